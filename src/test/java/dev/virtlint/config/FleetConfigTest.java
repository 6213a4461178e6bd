package dev.virtlint.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.virtlint.host.LibvirtConnection;
import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;

/**
 * A repository of definitions for a fleet: {@code hosts:} checks each domain on every captured host and names the
 * hosts a finding holds on; overrides assign hosts; {@code devices:} declares BAR sizes for runs without a host.
 */
class FleetConfigTest {
    /** 1 TiB of hot-plug memory under host-passthrough: 41 address bits needed, the 39-bit Intel host has fewer. */
    private static final String WIDE = "<domain type='kvm'>\n  <name>wide</name>\n  <memory unit='GiB'>16</memory>\n"
            + "  <maxMemory slots='4' unit='GiB'>1024</maxMemory>\n"
            + "  <os firmware='efi'><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>\n"
            + "  <cpu mode='host-passthrough'/>\n</domain>\n";

    private static String withGpu(String barSizeNote) {
        return "<domain type='kvm'>\n  <name>gpu</name>\n  <memory unit='GiB'>16</memory>\n"
                + "  <os firmware='efi'><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>\n"
                + "  <cpu mode='custom'><model>EPYC</model></cpu>\n  <devices>\n    <!-- " + barSizeNote + " -->\n"
                + "    <hostdev mode='subsystem' type='pci' managed='yes'><source>"
                + "<address domain='0x0000' bus='0x41' slot='0x00' function='0x0'/></source></hostdev>\n"
                + "  </devices>\n</domain>\n";
    }

    @TempDir
    Path repo;

    @BeforeEach
    void capturedHosts() throws IOException {
        Files.createDirectories(repo.resolve(".git"));
        Files.createDirectories(repo.resolve("hosts"));
        Files.createSymbolicLink(repo.resolve("hosts/hv01"), ProjectPaths.testdata().resolve("hosts/amd-epyc-2gpu").toAbsolutePath());
        Files.createSymbolicLink(repo.resolve("hosts/hv02"),
                ProjectPaths.testdata().resolve("hosts/intel-desktop-39bit").toAbsolutePath());
    }

    private Path write(String relative, String text) throws IOException {
        Path file = repo.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private static List<JsonNode> findings(CliRun run, String rule) throws IOException {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode file : new ObjectMapper().readTree(run.out()).get("files")) {
            for (JsonNode finding : file.get("findings")) {
                if (finding.get("rule").asText().equals(rule)) {
                    found.add(finding);
                }
            }
        }
        return found;
    }

    @Test
    void aFindingOnSomeHostsOfTheFleetNamesThem() throws IOException {
        write(".virt-lint.yaml", "hosts: [\"hosts/*\"]\n");
        Path vm = write("vms/wide.xml", WIDE);
        CliRun run = CliRun.run("--format", "json", "--qemu-version", "10.0", vm.toString());
        List<JsonNode> vl101 = findings(run, "VL101");
        assertEquals(1, vl101.size(), run.out());
        JsonNode finding = vl101.get(0);
        assertEquals("error", finding.get("severity").asText(), "a real host of the fleet: the rule's severity");
        assertTrue(finding.get("message").asText().startsWith("On hv02: QEMU 10.0 will refuse to start"),
                finding.toString());
        assertEquals("[\"hv02\"]", finding.get("data").get("failsOn").get("hosts").toString());
        assertEquals(1, run.exitCode());
    }

    @Test
    void aHostdevOnlySomeHostsHaveIsAnErrorOnTheOthers() throws IOException {
        write(".virt-lint.yaml", "hosts: [hosts/hv01, hosts/hv02]\n");
        Path vm = write("vms/gpu.xml", withGpu("on hv01 only"));
        List<JsonNode> vl601 = findings(CliRun.run("--format", "json", "--qemu-version", "10.0", vm.toString()),
                "VL601");
        assertEquals(1, vl601.size());
        assertTrue(vl601.get(0).get("message").asText().startsWith("On hv02: the host has no PCI device 0000:41:00.0"),
                vl601.get(0).toString());
    }

    @Test
    void anOverrideAssignsHostsAndTheCommandLineWins() throws IOException {
        write(".virt-lint.yaml", "hosts: [\"hosts/*\"]\noverrides:\n  - files: \"amd/*.xml\"\n    hosts: [hosts/hv01]\n");
        Path onAmd = write("amd/wide.xml", WIDE);
        assertTrue(findings(CliRun.run("--format", "json", "--qemu-version", "10.0", onAmd.toString()), "VL101")
                .isEmpty(), "hv01 has 48 bits");
        CliRun onIntel = CliRun.run("--format", "json", "--qemu-version", "10.0", "--host-root",
                repo.resolve("hosts/hv02").toString(), onAmd.toString());
        List<JsonNode> vl101 = findings(onIntel, "VL101");
        assertEquals(1, vl101.size(), onIntel.out());
        assertFalse(vl101.get(0).get("message").asText().startsWith("On "), "one host: no host names");
    }

    @Test
    void declaredBarsStandInForTheHostsSysfs() throws IOException {
        Path vm = write("vms/gpu.xml", withGpu("BARs declared in .virt-lint.yaml"));
        CliRun undeclared = CliRun.run("--format", "json", vm.toString());
        assertEquals(1, findings(undeclared, "VL203").size(), "without a declaration the BARs are unknown");

        write(".virt-lint.yaml", "devices:\n  \"0000:41:00.0\": {bars: {1: 256M, 3: 32M}}\n");
        CliRun small = CliRun.run("--format", "json", vm.toString());
        assertTrue(findings(small, "VL203").isEmpty(), small.out());
        assertTrue(findings(small, "VL201").isEmpty(), small.out());

        write(".virt-lint.yaml", "devices:\n  \"41:00.0\": {bars: {1: 1T, 3: {size: 32M}}}\n");
        CliRun huge = CliRun.run("--format", "json", vm.toString());
        List<JsonNode> vl201 = findings(huge, "VL201");
        assertEquals(1, vl201.size(), huge.out());
        assertEquals("error", vl201.get(0).get("severity").asText(), "1 TiB fits on no host: " + vl201.get(0));
    }

    @Test
    void aDeclaredVgaControllerIsNeverRejected() throws IOException {
        Path vm = write("vms/gpu.xml", withGpu("a 128 GiB BAR 1 and a 32 MiB BAR 3 overflow a 128 GiB window"));
        write(".virt-lint.yaml", "devices:\n  \"0000:41:00.0\": {bars: {1: 128G, 3: 32M}}\n");
        List<JsonNode> compute = findings(CliRun.run("--format", "json", "--host-vendor", "amd", vm.toString()),
                "VL201");
        assertEquals(1, compute.size());
        assertTrue(compute.get(0).get("message").asText().contains("will leave hostdev 0000:41:00.0"),
                "a 3D controller is rejected: " + compute.get(0));

        write(".virt-lint.yaml", "devices:\n  \"0000:41:00.0\": {bars: {1: 128G, 3: 32M}, vga: true}\n");
        List<JsonNode> vga = findings(CliRun.run("--format", "json", "--host-vendor", "amd", vm.toString()), "VL201");
        assertEquals(1, vga.size());
        assertTrue(vga.get(0).get("message").asText().contains("will stop before it boots anything"),
                "OVMF never rejects a VGA controller: " + vga.get(0));
    }

    @Test
    void aHostGivenByHandSettlesTheRange() throws IOException {
        Path vm = write("vms/wide.xml", WIDE);
        List<JsonNode> range = findings(CliRun.run("--format", "json", vm.toString()), "VL101");
        assertEquals(1, range.size());
        assertEquals("warning", range.get(0).get("severity").asText(), "fails on narrow hosts only");
        assertTrue(range.get(0).get("message").asText().contains("or --host-vendor and --host-phys-bits"), range.get(0).toString());

        List<JsonNode> narrow = findings(CliRun.run("--format", "json", "--host-vendor", "intel", "--host-phys-bits",
                "39", vm.toString()), "VL101");
        assertEquals(1, narrow.size());
        assertEquals("error", narrow.get(0).get("severity").asText());
        assertTrue(findings(CliRun.run("--format", "json", "--host-vendor", "intel", "--host-phys-bits", "46",
                vm.toString()), "VL101").isEmpty());
    }

    @Test
    void aHostCapturedThroughLibvirtNeedsItsGpusDeclared() throws IOException {
        Assumptions.assumeTrue(LibvirtConnection.libraryAvailable(),
                "libvirt.so.0 is not installed: capture through libvirt not checked");
        String uri = "test://" + ProjectPaths.projectDir().resolve("src/test/resources/host/node-gpu.xml");
        CliRun capture = CliRun.run("host-facts", "--connect", uri, "--snapshot", repo.resolve("hosts/hv03").toString());
        assertEquals(0, capture.exitCode(), capture.err());
        Path vm = write("vms/gpu.xml", withGpu("the test driver's node has its GPU at 0000:01:00.0").replace(
                "bus='0x41'", "bus='0x01'"));
        write(".virt-lint.yaml", "host-root: hosts/hv03\n");
        List<JsonNode> unsized = findings(CliRun.run("--format", "json", "--qemu-version", "10.0", vm.toString()),
                "VL203");
        assertEquals(1, unsized.size());
        assertTrue(unsized.get(0).get("message").asText().contains("captured through libvirt (" + uri + "), which"
                + " does not report BAR sizes: declare the device's BARs under 'devices:'"), unsized.get(0).toString());

        write(".virt-lint.yaml", "host-root: hosts/hv03\ndevices:\n  \"0000:01:00.0\": {bars: {1: 256M, 3: 32M}}\n");
        CliRun declared = CliRun.run("--format", "json", "--qemu-version", "10.0", vm.toString());
        assertTrue(findings(declared, "VL203").isEmpty(), declared.out());
        assertTrue(findings(declared, "VL601").isEmpty(), "the capture lists the GPU: " + declared.out());
    }

    @Test
    void mistakesInHostsAndDevicesAreOneLineWithAPosition() throws IOException {
        Path vm = write("vm.xml", WIDE);
        Path config = repo.resolve(".virt-lint.yaml");
        String[][] cases = {
            {"hosts: [\"racks/*\"]\n", ":1:8: config error: 'hosts' entry 'racks/*' matches no directory"},
            {"hosts: []\n", ":1:8: config error: 'hosts' lists no host"},
            {"host-root: hosts/hv01\nhosts: [hosts/hv02]\n", ":2:8: config error: give 'host-root' (one host) or"},
            {"devices:\n  \"41:00\": {bars: {1: 32G}}\n", ":2:3: config error: '41:00' is not a host PCI address"},
            {"devices:\n  \"0000:41:00.0\": {bars: {7: 32G}}\n", ":2:27: config error: BAR index '7' of 0000:41:00.0"},
            {"devices:\n  \"0000:41:00.0\": {bars: {1: 24G}}\n", ":2:30: config error: BAR 1 of 0000:41:00.0: 24G is"
                    + " not a power of two"},
            {"devices:\n  \"0000:41:00.0\": {bars: {1: lots}}\n", ":2:30: config error: BAR 1 of 0000:41:00.0: 'lots'"
                    + " is not a size"},
            {"devices:\n  \"0000:41:00.0\": {}\n", ":2:19: config error: device 0000:41:00.0 needs 'bars'"},
        };
        for (String[] bad : cases) {
            Files.writeString(config, bad[0]);
            CliRun run = CliRun.run(vm.toString());
            assertEquals(2, run.exitCode(), bad[0]);
            assertTrue(run.err().startsWith(config + bad[1]), bad[0] + " gave: " + run.err());
            assertEquals(1, run.err().lines().count(), run.err());
        }
    }
}
