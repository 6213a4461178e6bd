package dev.virtlint.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.virtlint.lint.Linter;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.support.RealStack;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * What VL204 says QEMU and libvirt refuse, checked against the real ones: QEMU 10.0's verdict on {@code -fw_cfg}
 * values (the error it prints, or a start), and libvirt 11.3's on {@code <sysinfo type='fwcfg'>} names.
 */
@Tag("oracle")
class FwCfgOracleTest {
    private static final String QEMU = "qemu-system-x86_64";
    private static final String QMP_QUIT = "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"quit\"}\n";

    @Test
    void qemuRefusesExactlyWhatTheParserRefuses() throws Exception {
        RealStack.assumeQemu();
        Path file = Files.createTempFile("virt-lint-fw-cfg-", ".bin");
        try {
            List<String> values = List.of(
                    "opt/ovmf/X-PciMmio64Mb=65536",
                    "name=opt/ovmf/X-PciMmio64Mb,string=65536",
                    "opt/ovmf/X-PciMmio64Mb,string=65536",
                    "name=opt/ovmf/X-PciMmio64Mb",
                    "string=65536",
                    "name=opt/a,string=",
                    "name=opt/a,string=1,file=" + file,
                    "name=opt/a,file=" + file,
                    "name=opt/a,string=1,foo=2",
                    "name=opt/a,,b,string=1",
                    "name=opt/" + "a".repeat(60) + ",string=1");
            List<String> mismatches = new ArrayList<>();
            for (String value : values) {
                Optional<String> predicted = FwCfgArgument.parse(value).error();
                RealStack.Result run = qemu(List.of("-fw_cfg", value));
                Optional<String> actual = errorLine(run.output());
                boolean agrees = predicted.isEmpty()
                        ? run.exitCode() == 0 && actual.isEmpty()
                        : run.exitCode() == 1 && actual.equals(Optional.of("-fw_cfg " + value + ": " + predicted.get()));
                if (!agrees) {
                    mismatches.add(value + ": predicted " + predicted.orElse("a start") + ", QEMU exit " + run.exitCode()
                            + " " + actual.orElse(""));
                }
            }
            RealStack.Result duplicate = qemu(List.of("-fw_cfg", "name=opt/a,string=1", "-fw_cfg", "name=opt/a,string=2"));
            if (!errorLine(duplicate.output()).equals(Optional.of("-fw_cfg name=opt/a,string=2: duplicate fw_cfg file"
                    + " name: opt/a"))) {
                mismatches.add("duplicate name: QEMU said " + duplicate.output().strip());
            }
            assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void libvirtRefusesTheNamesVl204Reports() throws Exception {
        RealStack.assumeLibvirt();
        Path directory = Files.createTempDirectory("virt-lint-fw-cfg-");
        try {
            List<String> mismatches = new ArrayList<>();
            for (String name : List.of("opt/ovmf/X-PciMmio64Mb", "opt/org.qemu/fw-option", "etc/example",
                    "opt/org.tianocore/example")) {
                Path domain = directory.resolve("domain.xml");
                Files.writeString(domain, "<domain type='qemu'>\n  <name>fwcfg</name>\n  <memory unit='MiB'>512</memory>\n"
                        + "  <sysinfo type='fwcfg'>\n    <entry name='" + name + "'>65536</entry>\n  </sysinfo>\n"
                        + "  <os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>\n</domain>\n");
                RealStack.Result argv = RealStack.run(List.of("virsh", "-c", "qemu:///system", "domxml-to-native",
                        "qemu-argv", domain.toString()), 60);
                boolean refused = argv.exitCode() != 0;
                List<Finding> findings = new Linter(new SafeXmlLoader(), RuleRegistry.all()).lint(domain, true)
                        .findings().stream().filter(f -> f.rule().id().equals("VL204")).toList();
                if (refused != !findings.isEmpty()) {
                    mismatches.add(name + ": libvirt " + (refused ? "refuses (" + argv.output().strip() + ")" : "accepts")
                            + ", VL204 " + (findings.isEmpty() ? "says nothing" : "says " + findings.get(0).message()));
                }
                if (refused && !findings.isEmpty()) {
                    String libvirtReason = name.startsWith("opt/") ? "That firmware name is reserved"
                            : "Invalid firmware name";
                    assertTrue(argv.output().contains(libvirtReason), argv.output());
                    assertTrue(findings.get(0).message().contains(libvirtReason), findings.get(0).message());
                }
            }
            assertEquals(List.of(), mismatches);
        } finally {
            try (var files = Files.walk(directory)) {
                for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    private static RealStack.Result qemu(List<String> extra) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(QEMU, "-machine", "q35,accel=tcg", "-nodefaults", "-display",
                "none", "-S", "-qmp", "stdio"));
        command.addAll(extra);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var stdin = process.getOutputStream()) {
            stdin.write(QMP_QUIT.getBytes(StandardCharsets.UTF_8));
        } catch (IOException exitedEarly) {
            // QEMU refused the command line before reading QMP; its output says why.
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new RealStack.Result(-1, output);
        }
        return new RealStack.Result(process.exitValue(), output);
    }

    /** QEMU's error, without its program prefix; warnings are not errors. */
    private static Optional<String> errorLine(String output) {
        return output.lines()
                .filter(line -> line.startsWith(QEMU + ": ") && !line.contains(": warning: "))
                .map(line -> line.substring(QEMU.length() + 2))
                .findFirst();
    }
}
