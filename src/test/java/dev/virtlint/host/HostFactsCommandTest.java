package dev.virtlint.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.virtlint.cli.HostFactsCommand;
import picocli.CommandLine;

class HostFactsCommandTest {

    private record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new HostFactsCommand())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setCaseInsensitiveEnumValuesAllowed(true);
        int code = commandLine.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static String host(String name) {
        return HostRootReaderTest.host(name).toString();
    }

    @Test
    void textShowsTheSections() {
        Run run = run("--host-root", host("intel-desktop-39bit"));
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("physical bits:   39"), run.out());
        assertTrue(run.out().contains("address width:   39 bits (narrowest of 2 units)"), run.out());
        assertTrue(run.out().contains("0000:01:00.0  10de:2204  subsystem 1458:4043  class 030000 (VGA controller)"
                + "  IOMMU group 2 with 0000:00:01.0, 0000:01:00.1"), run.out());
        assertTrue(run.out().contains("BAR1  0x00000000c0000000  256 MiB   64-bit prefetchable"), run.out());
        assertTrue(run.out().contains("OVMF:            unknown"), run.out());
        assertTrue(run.out().contains("boot parameters: intel_iommu=on iommu=pt\n"
                + "  IRQ remapping:   yes (IR- interrupt chips in proc/interrupts)\n"), run.out());
        assertTrue(run.out().contains("user:            libvirt-qemu (uid 64055, gid 64055, groups 993,64055), the"
                + " build's default named in qemu.conf"), run.out());
        assertTrue(run.out().contains("ROM files (7, as captured)\n  /root/rtx3090.rom: 1 MiB, a PCI option ROM image"
                + " at offset 0\n      0755 0:0 /; 0700 0:0 /root; 0644 0:0 /root/rtx3090.rom\n"
                + "      libvirt-qemu cannot reach it: 0700 0:0 /root\n"), run.out());
        assertTrue(run.out().contains("Warnings (0)\n  none"), run.out());
    }

    @Test
    void driversResetsAndTheConsoleShowInTextAndJson() throws Exception {
        Run text = run("--host-root", host("amd-desktop-shared-group"));
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("      driver amdgpu; reset none (the kernel cannot reset it); boot VGA"), text.out());
        assertTrue(text.out().contains("      driver igc; reset flr pm\n"), text.out());
        assertTrue(text.out().contains("framebuffers:    amdgpudrmfb"), text.out());
        assertTrue(text.out().contains("vendor-reset:    not loaded"), text.out());

        Run json = run("--host-root", host("amd-desktop-vfio-ready"), "--format", "json");
        assertEquals(0, json.exitCode(), json.err());
        JsonNode root = new ObjectMapper().readTree(json.out());
        JsonNode gpu = null;
        for (JsonNode device : root.at("/pciDevices")) {
            if (device.at("/address").asText().equals("0000:0f:00.0")) {
                gpu = device;
            }
        }
        assertEquals("vfio-pci", gpu.at("/driver").asText());
        assertTrue(gpu.at("/driverBound").asBoolean());
        assertEquals("device_specific", gpu.at("/resetMethods/0").asText());
        assertFalse(gpu.at("/bootVga").asBoolean());
        assertTrue(root.at("/vendorResetLoaded").asBoolean());
        assertTrue(root.at("/framebuffers").isNull(), "no proc/fb in that capture: unknown");
    }

    @Test
    void jsonHasStableKeys() throws Exception {
        Run run = run("--host-root", host("amd-epyc-2gpu"), "--format", "json");
        assertEquals(0, run.exitCode(), run.err());
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertEquals("amd", json.at("/cpu/vendor").asText());
        assertEquals(48, json.at("/cpu/physBits").asInt());
        assertEquals(64, json.at("/iommu/addressWidth").asInt());
        assertTrue(json.at("/iommu/amdHtHoleReserved").asBoolean());
        assertFalse(json.at("/battery").asBoolean());
        assertEquals("6.2.0", json.at("/stack/qemu").asText());
        JsonNode a100 = null;
        for (JsonNode device : json.get("pciDevices")) {
            if (device.get("address").asText().equals("0000:41:00.0")) {
                a100 = device;
            }
        }
        assertEquals("0x20f1", a100.get("device").asText());
        assertEquals("0x030200", a100.get("class").asText());
        assertEquals(4, a100.get("iommuGroup").asInt());
        JsonNode bar1 = a100.get("resources").get(1);
        assertEquals(1, bar1.get("index").asInt());
        assertEquals(64L << 30, bar1.get("size").asLong());
        assertEquals("0x0000020000000000", bar1.get("start").asText());
        assertTrue(bar1.get("is64Bit").asBoolean());
        assertTrue(bar1.get("prefetchable").asBoolean());
        assertEquals(0, json.get("warnings").size());
        assertEquals("iommu=pt", json.at("/kernelIommu/parameters/0").asText());
        assertTrue(json.at("/kernelIommu/interruptRemapping").asBoolean());
        assertFalse(json.at("/kernelIommu/allowUnsafeInterrupts/value").asBoolean());
        assertTrue(json.at("/kernelIommu/allowUnsafeInterrupts/source").asText().startsWith("the default"));
        assertEquals("libvirt-qemu", json.at("/qemuProcess/user/name").asText());
        assertEquals(64055, json.at("/qemuProcess/user/uid").asInt());
        assertTrue(json.at("/qemuProcess/appArmor/confinesQemu").asBoolean());
        assertEquals("abstractions/libvirt-qemu", json.at("/qemuProcess/appArmor/readRules/0/source").asText());
        assertTrue(json.at("/romFiles/captured").asBoolean());
        assertEquals("/usr/share/vgabios/a100.rom", json.at("/romFiles/files/0/path").asText());
        assertEquals(0, json.at("/romFiles/files/0/imageOffset").asInt());
        assertEquals("0644", json.at("/romFiles/files/0/access/4/mode").asText());
    }

    @Test
    void warningsArePrinted(@TempDir Path root) throws Exception {
        HostRootReaderTest.write(root, "proc/cpuinfo", "address sizes\t: many\n");
        Run text = run("--host-root", root.toString());
        assertEquals(0, text.exitCode());
        assertTrue(text.out().contains("Warnings (1)\n  proc/cpuinfo: 'address sizes' is 'many'"), text.out());
        Run json = run("--host-root", root.toString(), "--format", "json");
        JsonNode warning = new ObjectMapper().readTree(json.out()).get("warnings").get(0);
        assertEquals("proc/cpuinfo", warning.get("path").asText());
    }

    @Test
    void liveHostWorks() {
        Run run = run();
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("Host root: /\n"), run.out());
    }

    @Test
    void snapshotThenRead(@TempDir Path dir) {
        Path out = dir.resolve("captured");
        Run snapshot = run("--host-root", host("optimus-laptop"), "--snapshot", out.toString());
        assertEquals(0, snapshot.exitCode(), snapshot.err());
        assertTrue(snapshot.out().startsWith("Captured "), snapshot.out());
        assertEquals(run("--host-root", host("optimus-laptop"), "--format", "json").out()
                        .replace(host("optimus-laptop"), "ROOT"),
                run("--host-root", out.toString(), "--format", "json").out().replace(out.toString(), "ROOT"));
    }

    @Test
    void snapshotIntoANonEmptyDirectoryIsAOneLineError(@TempDir Path out) throws Exception {
        Files.writeString(out.resolve("x"), "x");
        Run run = run("--host-root", host("optimus-laptop"), "--snapshot", out.toString());
        assertEquals(2, run.exitCode());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("virt-lint host-facts: output directory "), run.err());
        assertEquals(0, run("--host-root", host("optimus-laptop"), "--snapshot", out.toString(), "--force").exitCode());
    }

    @Test
    void usageErrors(@TempDir Path dir) {
        Run missing = run("--host-root", dir.resolve("nope").toString());
        assertEquals(2, missing.exitCode());
        assertEquals("virt-lint host-facts: --host-root " + dir.resolve("nope") + " is not a directory\n",
                missing.err());
        Run force = run("--force");
        assertEquals(2, force.exitCode());
        assertTrue(force.err().contains("--force only applies to --snapshot"), force.err());
    }

    @Test
    void helpHasExamples() {
        Run run = run("--help");
        assertEquals(0, run.exitCode());
        assertTrue(run.out().contains("Examples:"), run.out());
        assertTrue(run.out().contains("--snapshot"), run.out());
    }
}
