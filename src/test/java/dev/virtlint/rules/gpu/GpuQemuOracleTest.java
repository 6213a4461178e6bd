package dev.virtlint.rules.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.rules.qemu.LintAndFix;
import dev.virtlint.support.LibvirtArgv;
import dev.virtlint.support.RealStack;

/**
 * The XML the GPU rules' fixes write does what their messages say once the real libvirt 11.3 turns it into a
 * QEMU command line ({@code virsh domxml-to-native}), and the libvirt and QEMU behaviour the messages rest on
 * holds. libvirt refuses PCI hostdevs on a host without VFIO, so they are dropped, or replaced by an emulated
 * device that carries the same alias.
 */
@Tag("oracle")
class GpuQemuOracleTest {
    @TempDir
    Path dir;

    @Test
    void hotplugOffReachesTheRootPort() throws Exception {
        RealStack.assumeLibvirt();
        String bad = LintAndFix.fixture("VL401", "captured-desktop.xml");
        String fixed = LintAndFix.onHost("intel-desktop-39bit").fix(bad, "VL401");
        assertEquals(LintAndFix.fixture("VL401", "captured-desktop.fixed.xml"), fixed);

        String before = device(argv(LintAndFix.runnableHere(bad)), "\"id\":\"pci.1\"");
        String after = device(argv(LintAndFix.runnableHere(fixed)), "\"id\":\"pci.1\"");
        assertFalse(before.contains("\"hotplug\""), before);
        assertTrue(after.contains("\"hotplug\":false"), after);
    }

    @Test
    void hiddenAndVendorIdReachTheCpu() throws Exception {
        RealStack.assumeLibvirt();
        String bad = LintAndFix.fixture("VL402", "captured-desktop.xml");
        String fixed = LintAndFix.onHost("intel-desktop-39bit").fix(bad, "VL402");

        String before = option(argv(LintAndFix.runnableHere(bad)), "-cpu");
        String after = option(argv(LintAndFix.runnableHere(fixed)), "-cpu");
        assertFalse(before.contains("kvm=off") || before.contains("hv-vendor-id"), before);
        assertTrue(after.contains("hv-vendor-id=" + NvidiaHypervisorVisible.VENDOR_ID), after);
        assertTrue(after.contains("kvm=off"), after);
    }

    /** VL405's fix (and VL404's and VL503's, which write the same override) lands on the device with the user alias. */
    @Test
    void overrideByUserAliasReachesTheDevice() throws Exception {
        RealStack.assumeLibvirt();
        String fixed = LintAndFix.onHost("optimus-laptop").fix(LintAndFix.fixture("VL405", "captured-optimus.xml"),
                "VL405");
        String standIn = fixed.replaceFirst("(?s)<hostdev .*?(<alias name='ua-gpu0'/>).*?</hostdev>",
                "<shmem name='standin'><model type='ivshmem-plain'/><size unit='M'>1</size>$1</shmem>");
        String device = device(argv(LintAndFix.runnableHere(standIn)), "\"id\":\"ua-gpu0\"");
        assertTrue(device.contains("\"x-pci-sub-vendor-id\":6058"), device);
        assertTrue(device.contains("\"x-pci-sub-device-id\":14915"), device);
    }

    /** What VL404 says of an override whose automatic alias names no device: libvirt accepts it and applies it nowhere. */
    @Test
    void overrideForAnAliasNoDeviceHasIsIgnored() throws Exception {
        RealStack.assumeLibvirt();
        String xml = LintAndFix.runnableHere(LintAndFix.fixture("VL404", "no-such-hostdev.xml"));
        String argv = argv(xml);
        assertFalse(argv.contains("x-pci-sub-vendor-id"), argv);
    }

    /**
     * VL402's premise for a -cpu in qemu:commandline: QEMU keeps the last -cpu, so libvirt's (which comes first)
     * loses its kvm=off. The vCPU's "kvm" property is the KVM signature switch.
     */
    @Test
    void theLastCpuArgumentWins() throws Exception {
        RealStack.assumeQemu();
        assertEquals("true", kvmSignature("qemu64,kvm=off", "qemu64"));
        assertEquals("false", kvmSignature("qemu64", "qemu64,kvm=off"));
    }

    private static String kvmSignature(String firstCpu, String lastCpu) throws Exception {
        Process qemu = new ProcessBuilder("qemu-system-x86_64", "-nodefaults", "-display", "none", "-machine", "q35",
                "-S", "-qmp", "stdio", "-cpu", firstCpu, "-cpu", lastCpu).redirectErrorStream(true).start();
        try (var in = qemu.outputWriter(StandardCharsets.UTF_8)) {
            in.write("{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"qom-get\",\"arguments\":{\"path\":"
                    + "\"/machine/unattached/device[0]\",\"property\":\"kvm\"}}\n{\"execute\":\"quit\"}\n");
        }
        String output = new String(qemu.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!qemu.waitFor(30, TimeUnit.SECONDS)) {
            qemu.destroyForcibly();
        }
        Matcher answer = Pattern.compile("\\{\"return\": (true|false)\\}").matcher(output);
        assertTrue(answer.find(), output);
        return answer.group(1);
    }

    /** VL404's premise: {@code virsh define} keeps user aliases and drops every other one, to be generated again. */
    @Test
    void defineKeepsOnlyUserAliases() throws Exception {
        RealStack.assumeLibvirt();
        String name = "virt-lint-oracle-alias-" + ProcessHandle.current().pid();
        Path file = Files.createTempFile(dir, "domain", ".xml");
        Files.writeString(file, "<domain type='qemu'>\n  <name>" + name + "</name>\n  <memory unit='MiB'>64</memory>\n"
                + "  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n  <devices>\n"
                + "    <controller type='pci' index='1' model='pcie-root-port'><alias name='hostdev0'/></controller>\n"
                + "    <controller type='pci' index='2' model='pcie-root-port'><alias name='ua-port2'/></controller>\n"
                + "  </devices>\n</domain>\n");
        RealStack.Result define = RealStack.run(List.of("virsh", "-c", "qemu:///system", "define", file.toString()), 60);
        assertEquals(0, define.exitCode(), define.output());
        try {
            RealStack.Result dumped = RealStack.run(List.of("virsh", "-c", "qemu:///system", "dumpxml", "--inactive",
                    name), 60);
            assertTrue(dumped.output().contains("<alias name='ua-port2'/>"), dumped.output());
            assertFalse(dumped.output().contains("hostdev0"), dumped.output());
        } finally {
            RealStack.run(List.of("virsh", "-c", "qemu:///system", "undefine", name), 60);
        }
    }

    private String argv(String xml) throws Exception {
        return LibvirtArgv.acceptedArgv(dir, xml);
    }

    /** The JSON of the -device whose text contains {@code marker}. */
    private static String device(String argv, String marker) {
        return RealStack.shellWords(argv.strip()).stream()
                .filter(word -> word.startsWith("{") && word.contains(marker))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no -device with " + marker + " in " + argv));
    }

    private static String option(String argv, String name) {
        List<String> words = RealStack.shellWords(argv.strip());
        Optional<String> value = Optional.empty();
        for (int i = 0; i + 1 < words.size(); i++) {
            if (words.get(i).equals(name)) {
                value = Optional.of(words.get(i + 1));
            }
        }
        return value.orElseThrow(() -> new AssertionError("no " + name + " in " + argv));
    }
}
