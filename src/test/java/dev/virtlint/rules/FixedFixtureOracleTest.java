package dev.virtlint.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.support.CliRun;
import dev.virtlint.support.LibvirtArgv;
import dev.virtlint.support.LiveHost;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.support.RealStack;

/**
 * What the fixer writes must be accepted by the real stack. Every {@code testdata/rules/*}{@code /NAME.fixed.xml}
 * validates with virt-xml-validate (libvirt 11.3's schemas) and converts with {@code virsh domxml-to-native};
 * the bad fixture may name what the conversion must then contain, {@code <!-- fixed-argv: phys-bits=42 -->},
 * and may ask {@code <!-- fixed-starts -->}: QEMU refuses libvirt's argv for the original and starts with the
 * one for the fixed file. For the conversion the copy runs under TCG (no KVM here: host-passthrough becomes
 * maximum) and without PCI hostdevs (no VFIO here); a host with both converts the original the same way.
 * libvirt compares {@code <maxphysaddr mode='emulate'>} with this machine's CPU, so a fixed fixture that asks for
 * more bits than this machine has (written for another host) must instead be one virt-lint, given this machine's
 * facts, reports as VL105, and that libvirt refuses with the words VL105 quotes.
 */
@Tag("oracle")
class FixedFixtureOracleTest {
    private static final Pattern FIXED_ARGV = Pattern.compile("<!--\\s*fixed-argv:\\s*(.*?)\\s*-->");
    private static final Pattern HOSTDEV = Pattern.compile("(?s)\\s*<hostdev\\b.*?</hostdev>|\\s*<hostdev\\b[^>]*/>");
    /** TCG has no {@code -cpu host}; {@code maximum} ({@code -cpu max}) is its nearest stand-in. */
    private static final Pattern HOST_PASSTHROUGH = Pattern.compile("mode=(['\"])host-passthrough\\1");
    private static final Pattern ROOT_TYPE = Pattern.compile("<domain(\\s[^>]*?)?\\stype=(['\"])kvm\\2");

    @TempDir
    Path scratch;

    @Test
    void fixedFixturesAreAcceptedByLibvirtAndQemu() throws Exception {
        Assumptions.assumeTrue(RealStack.onPath("virt-xml-validate"),
                "virt-xml-validate is not installed: fixed-fixture oracle skipped");
        RealStack.assumeLibvirt();
        int hostBits = LiveHost.physBits();
        List<String> problems = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(ProjectPaths.testdata().resolve("rules"))) {
            for (Path fixed : files.filter(f -> f.toString().endsWith(".fixed.xml")).sorted().toList()) {
                checked++;
                Path bad = fixed.resolveSibling(fixed.getFileName().toString().replace(".fixed.xml", ".xml"));
                String name = ProjectPaths.testdata().relativize(fixed).toString();
                RealStack.Result valid = RealStack.run(List.of("virt-xml-validate", fixed.toString()), 60);
                if (valid.exitCode() != 0) {
                    problems.add(name + ": virt-xml-validate: " + valid.output().strip());
                }
                String badText = Files.readString(bad);
                if (LiveHost.widerThanHost(Files.readString(fixed), hostBits)) {
                    checkRefusedAsVl105(name, fixed, hostBits, problems);
                    continue;
                }
                RealStack.Result argv = LibvirtArgv.nativeArgv(runnableCopy(fixed, "fixed"));
                if (argv.exitCode() != 0) {
                    problems.add(name + ": virsh domxml-to-native: " + argv.output().strip());
                    continue;
                }
                Matcher expected = FIXED_ARGV.matcher(badText);
                while (expected.find()) {
                    if (!argv.output().contains(expected.group(1))) {
                        problems.add(name + ": libvirt's argv lacks '" + expected.group(1) + "'");
                    }
                }
                if (badText.contains("<!-- fixed-starts -->")) {
                    checkStarts(name, bad, argv.output().strip(), problems);
                }
            }
        }
        assertFalse(checked == 0, "no fixed fixtures found");
        assertEquals(List.of(), problems, checked + " fixed fixtures checked");
    }

    private void checkRefusedAsVl105(String name, Path fixed, int hostBits, List<String> problems) throws Exception {
        CliRun lint = CliRun.run("--color=never", "--select", "VL105", "--host-root", "/", fixed.toString());
        if (!lint.out().contains("error VL105")) {
            problems.add(name + ": wider than this " + hostBits + "-bit host, but virt-lint with its facts does not"
                    + " report VL105: " + lint.out().strip());
        }
        RealStack.Result argv = LibvirtArgv.nativeArgv(runnableCopy(fixed, "fixed"));
        if (argv.exitCode() == 0 || !argv.output().contains(LiveHost.WIDER_THAN_HOST_REFUSAL)) {
            problems.add(name + ": wider than this " + hostBits + "-bit host, but libvirt does not refuse it as VL105"
                    + " predicts: " + argv.output().strip());
        }
    }

    private void checkStarts(String name, Path bad, String fixedArgv, List<String> problems) throws Exception {
        RealStack.assumeQemu();
        RealStack.Result badArgv = LibvirtArgv.nativeArgv(runnableCopy(bad, "bad"));
        if (badArgv.exitCode() == 0) {
            RealStack.Result before = LibvirtArgv.startPaused(LibvirtArgv.runnable(badArgv.output().strip(), scratch));
            if (before.exitCode() == 0) {
                problems.add(name + ": QEMU already starts with the unfixed domain, so the fix proves nothing");
            }
        }
        RealStack.Result after = LibvirtArgv.startPaused(LibvirtArgv.runnable(fixedArgv, scratch));
        if (after.exitCode() != 0) {
            problems.add(name + ": QEMU does not start after the fix: " + after.output().strip());
        }
    }

    /** A copy libvirt on this machine can convert: TCG instead of KVM, and no PCI hostdevs. */
    private Path runnableCopy(Path domain, String label) throws IOException {
        String text = Files.readString(domain);
        text = HOSTDEV.matcher(text).replaceAll("");
        text = ROOT_TYPE.matcher(text).replaceFirst("<domain$1 type=$2qemu$2");
        text = HOST_PASSTHROUGH.matcher(text).replaceAll("mode=$1maximum$1");
        Path copy = scratch.resolve(label + "-" + domain.getFileName());
        Files.writeString(copy, text);
        return copy;
    }
}
