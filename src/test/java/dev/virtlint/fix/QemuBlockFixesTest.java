package dev.virtlint.fix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.support.CapturedHosts;
import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;

/** Fixes that write into libvirt's {@code <qemu:commandline>}, as {@code virt-lint --fix} applies them. */
class QemuBlockFixesTest {
    private static final Pattern COMMANDLINE = Pattern.compile("<qemu:commandline>(.*?)</qemu:commandline>",
            Pattern.DOTALL);

    @TempDir
    Path dir;

    private String fix(String xml, String... options) throws IOException {
        Path in = dir.resolve("in.xml");
        Path out = dir.resolve("out.xml");
        Files.writeString(in, xml);
        String[] args = new String[options.length + 4];
        System.arraycopy(options, 0, args, 0, options.length);
        args[options.length] = "--fix";
        args[options.length + 1] = "--fix-output";
        args[options.length + 2] = out.toString();
        args[options.length + 3] = in.toString();
        CliRun run = CliRun.run(args);
        assertTrue(Files.exists(out), run.err());
        return Files.readString(out);
    }

    /**
     * The README's example on the EPYC host (libvirt 8.0, so phys-bits goes through {@code -global}): VL501 declares
     * the prefix of the existing block, and the phys-bits argument must go into that block whichever finding comes
     * first, here with the block after the memory elements and before them.
     */
    @Test
    void physBitsArgumentJoinsTheBlockVl501Declares() throws IOException {
        String example = Files.readString(ProjectPaths.testdata().resolve("example-win11.xml"));
        Matcher block = Pattern.compile("\\s*<qemu:commandline>.*?</qemu:commandline>", Pattern.DOTALL)
                .matcher(example);
        assertTrue(block.find());
        String blockFirst = example.replace(block.group(), "")
                .replace("  <name>win11</name>", block.group().strip() + "\n  <name>win11</name>");
        for (String xml : new String[] {example, blockFirst}) {
            String fixed = fix(xml, "--host-root", CapturedHosts.path("amd-epyc-2gpu").toString());
            Matcher blocks = COMMANDLINE.matcher(fixed);
            assertTrue(blocks.find(), fixed);
            assertTrue(blocks.group(1).contains("-fw_cfg") && blocks.group(1).contains("phys-bits=41"), fixed);
            assertTrue(!blocks.find(), "a second <qemu:commandline>:\n" + fixed);
        }
    }

    /** VL502's unsafe fix moves every argument to native XML; the comment the author wrote in the block stays. */
    @Test
    void emptyingABlockKeepsTheCommentsInIt() throws IOException {
        String xml = """
                <domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
                  <name>evdev</name>
                  <memory unit='GiB'>4</memory>
                  <os>
                    <type arch='x86_64' machine='pc-q35-10.0'>hvm</type>
                  </os>
                  <devices>
                    <memballoon model='none'/>
                  </devices>
                  <qemu:commandline>
                    <!-- evdev mouse and keyboard passthrough -->
                    <qemu:arg value='-object'/>
                    <qemu:arg value='input-linux,id=mouse1,evdev=/dev/input/by-id/usb-mouse-event-mouse'/>
                  </qemu:commandline>
                </domain>
                """;
        String fixed = fix(xml, "--unsafe-fixes");
        assertTrue(fixed.contains("<input type='evdev'>"), fixed);
        assertTrue(!fixed.contains("commandline"), fixed);
        assertTrue(fixed.contains("\n  <!-- evdev mouse and keyboard passthrough -->\n</domain>"), fixed);
    }
}
