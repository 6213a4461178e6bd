package dev.virtlint.rules.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.rules.Finding;
import dev.virtlint.support.LibvirtArgv;
import dev.virtlint.support.RealStack;

/**
 * What VL502 and VL503 say about {@code qemu:commandline}, shown with the real libvirt 11.3 and QEMU 10.0:
 * {@code virt-qemu-run} starts a domain the way libvirt does (its embedded driver, a private root, the log on
 * stdout), and {@code virsh domxml-to-native} shows the command line libvirt builds.
 */
@Tag("oracle")
class QemuCommandlineOracleTest {
    private static final String QEMU_NS = "http://libvirt.org/schemas/domain/qemu/1.0";

    @TempDir
    Path dir;

    private record Started(boolean running, String output) {
    }

    /** VL502: the commandline form taints the domain, the element VL502's fix writes does not. */
    @Test
    void commandlineArgumentsTaintTheDomainNativeElementsDoNot() throws Exception {
        assumeVirtQemuRun();
        String bad = LintAndFix.fixture("VL502", "pcihole64.xml");
        String fixed = LintAndFix.withoutHost().fix(bad, "VL502");
        assertEquals(LintAndFix.fixture("VL502", "pcihole64.fixed.xml"), fixed);

        Started withArgs = start(LintAndFix.runnableHere(bad).replace("<name>a100</name>", "<name>vl502-args</name>")
                .replace("<memory unit='GiB'>64</memory>", "<memory unit='MiB'>64</memory>"));
        Started nativeForm = start(LintAndFix.runnableHere(fixed).replace("<name>a100</name>", "<name>vl502-native</name>")
                .replace("<memory unit='GiB'>64</memory>", "<memory unit='MiB'>64</memory>"));
        assertTrue(withArgs.running(), withArgs.output());
        assertTrue(withArgs.output().contains("is tainted: custom-argv"), withArgs.output());
        assertTrue(nativeForm.running(), nativeForm.output());
        assertFalse(nativeForm.output().contains("tainted"), nativeForm.output());
    }

    /** VL502: after the fix, libvirt hands QEMU the same arguments the commandline carried. */
    @Test
    void nativeElementsGiveQemuTheSameArguments() throws Exception {
        RealStack.assumeLibvirt();
        LintAndFix lint = LintAndFix.withoutHost();

        List<String> hole = words(argv(LintAndFix.runnableHere(lint.fix(LintAndFix.fixture("VL502", "pcihole64.xml"),
                "VL502"))));
        assertTrue(hole.contains("q35-pcihost.pci-hole64-size=67108864K"), hole.toString());

        String laptop = lint.fix(LintAndFix.fixture("VL502", "laptop-args.xml"), "VL502");
        List<String> laptopArgv = words(argv(LintAndFix.runnableHere(laptop)));
        assertEquals("file=/var/lib/libvirt/vbios/SSDT1.dat", after(laptopArgv, "-acpitable"));
        String input = laptopArgv.stream().filter(w -> w.contains("\"qom-type\":\"input-linux\"")).findFirst()
                .orElseThrow(() -> new AssertionError(laptopArgv.toString()));
        assertTrue(input.contains("\"evdev\":\"/dev/input/by-id/usb-Logitech-event-kbd\"")
                && input.contains("\"repeat\":true") && input.contains("\"grab_all\":true"), input);
        assertEquals("cpu-pm=on", after(laptopArgv, "-overcommit"), "the argument without an element stays");

        List<String> fwcfg = words(argv(LintAndFix.runnableHere(lint.fix(LintAndFix.fixture("VL502", "fwcfg.xml"),
                "VL502"))));
        assertTrue(fwcfg.contains("name=opt/com.example/mode,string=passthrough"), fwcfg.toString());
        assertTrue(fwcfg.contains("opt/ovmf/X-PciMmio64Mb,string=65536"), fwcfg.toString());
    }

    /** VL503: each argument it reports makes the start fail with QEMU's own complaint, passed on by libvirt. */
    @Test
    void qemuRefusesWhatVl503Reports() throws Exception {
        assumeVirtQemuRun();
        record Case(boolean representative, List<String> args, String qemuSays) {
        }
        List<Case> cases = List.of(
                new Case(true, List.of("-no-hpet"), "-no-hpet: invalid option"),
                new Case(false, List.of("-semihosting"), "-semihosting: Option not supported for this target"),
                new Case(true, List.of("-overcommit", "cpu-pm=on", "-acpitable"), "-acpitable -sandbox: can't open file -sandbox"),
                new Case(false, List.of("-cpu host,kvm=off"), "-cpu host,kvm=off: invalid option"),
                new Case(false, List.of("none"), "none: Could not open 'none'"),
                new Case(true, List.of("-device", "{'driver':'ivshmem-plain','id':'shmem0'"), "JSON parse error"),
                new Case(true, List.of("-set", "device.ua-port1.hotplug=off"), "there is no device \"ua-port1\" defined"),
                new Case(false, List.of("-rtc", "-device", "pci-testdev"), "-rtc -device: Invalid parameter '-device'"),
                new Case(false, List.of("-device", "nosuch-device"), "'nosuch-device' is not a valid device model name"),
                new Case(true, List.of("-device", "usb-host,vendorid=0x46d,productid=0xc539"),
                        "No 'usb-bus' bus found for device 'usb-host'"),
                new Case(false, List.of("-device", "pci-testdev,bus=pci.2"), "Bus 'pci.2' not found"),
                new Case(true, List.of("-device", "pci-testdev,id=t1"),
                        "PCI: slot 1 function 0 not available for pcie-root-port, in use by pci-testdev,id=t1"));
        // Each case starts libvirt and QEMU: the full oracle run takes them all, a plain mvn test the representative ones.
        boolean full = Boolean.getBoolean("virtlint.oracle.full");
        List<String> wrong = new ArrayList<>();
        int n = 0;
        for (Case c : cases.stream().filter(c -> full || c.representative()).toList()) {
            String xml = domain("vl503-" + n++, c.args());
            List<Finding> findings = LintAndFix.withoutHost().findings(xml, "VL503");
            if (findings.isEmpty()) {
                wrong.add(c.args() + ": virt-lint reports nothing");
            }
            Started run = start(xml);
            if (run.running() || !run.output().contains(c.qemuSays())) {
                wrong.add(c.args() + ": expected QEMU to refuse with '" + c.qemuSays() + "', got:\n" + run.output());
            }
        }
        assertEquals(List.of(), wrong);
    }

    /**
     * The control: arguments VL503 accepts let the guest start, among them a key=value device on a free slot and a
     * -set that reaches it.
     */
    @Test
    void qemuStartsWithWhatVl503Accepts() throws Exception {
        assumeVirtQemuRun();
        String xml = domain("vl503-good", List.of("-device", "pci-testdev,id=t0,bus=pcie.0,addr=0x9",
                "-set", "device.t0.membar=4096",
                "--overcommit", "cpu-pm=on", "-M", "hpet=off"));
        assertEquals(List.of(), LintAndFix.withoutHost().findings(xml, "VL503"));
        Started run = start(xml);
        assertTrue(run.running(), run.output());
    }

    private static String domain(String name, List<String> args) {
        StringBuilder xml = new StringBuilder("<domain type='qemu' xmlns:qemu='" + QEMU_NS + "'>\n  <name>" + name
                + "</name>\n  <memory unit='MiB'>64</memory>\n  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n"
                + "  <devices>\n    <controller type='pci' index='1' model='pcie-root-port'><alias name='ua-port1'/>"
                + "<address type='pci' domain='0' bus='0' slot='1' function='0'/></controller>\n"
                + "    <controller type='pci' index='2' model='pcie-root-port'>"
                + "<address type='pci' domain='0' bus='0' slot='2' function='0'/></controller>\n"
                + "    <memballoon model='none'/>\n  </devices>\n  <qemu:commandline>\n");
        for (String arg : args) {
            xml.append("    <qemu:arg value=\"").append(arg.replace("&", "&amp;").replace("\"", "&quot;")
                    .replace("<", "&lt;")).append("\"/>\n");
        }
        return xml.append("  </qemu:commandline>\n</domain>\n").toString();
    }

    private static void assumeVirtQemuRun() throws IOException, InterruptedException {
        RealStack.assumeQemu();
        Assumptions.assumeTrue(RealStack.onPath("virt-qemu-run"),
                "virt-qemu-run is not installed: libvirt start-up oracle skipped");
    }

    /**
     * Starts the domain with virt-qemu-run in a private root, whose qemu.conf sends QEMU's output to a file
     * instead of virtlogd; stops it again as soon as it runs.
     */
    private Started start(String xml) throws IOException, InterruptedException {
        // QEMU runs as libvirt's unprivileged user and must reach the domain's files inside the root.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path root = Files.createTempDirectory(dir, "root", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/qemu.conf"), "stdio_handler = \"file\"\n");
        Path file = root.resolve("domain.xml");
        Files.writeString(file, xml);
        Process process = new ProcessBuilder("virt-qemu-run", "-r", root.toString(), "-v", file.toString())
                .redirectErrorStream(true).start();
        process.getOutputStream().close();
        CompletableFuture<Boolean> running = new CompletableFuture<>();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    if (line.contains("guest running")) {
                        running.complete(true);
                    }
                }
            } catch (IOException e) {
                running.completeExceptionally(e);
            }
            running.complete(false);
        });
        reader.start();
        boolean started;
        try {
            started = running.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            started = false;
        }
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        reader.join(10_000);
        synchronized (output) {
            return new Started(started, output.toString());
        }
    }

    private String argv(String xml) throws Exception {
        return LibvirtArgv.acceptedArgv(dir, xml);
    }

    private static List<String> words(String argv) {
        return RealStack.shellWords(argv.strip());
    }

    /** The value of the last {@code option}: the commandline's come after libvirt's own. */
    private static String after(List<String> words, String option) {
        int at = words.lastIndexOf(option);
        assertTrue(at >= 0 && at + 1 < words.size(), option + " missing in " + words);
        return words.get(at + 1);
    }
}
