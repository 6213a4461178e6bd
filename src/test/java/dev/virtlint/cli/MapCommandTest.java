package dev.virtlint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.virtlint.firmware.OvmfReleaseSpan;
import dev.virtlint.support.CliRun;

/** {@code virt-lint map}: the worked example of qemu-address-space.md §7.4 as text and as the JSON contract. */
class MapCommandTest {
    private static final String EPYC_HOTPLUG = """
            <domain type='qemu'>
              <name>epyc</name>
              <maxMemory slots='4' unit='GiB'>1024</maxMemory>
              <memory unit='GiB'>16</memory>
              <os><type arch='x86_64' machine='pc-q35-7.1'>hvm</type></os>
              <cpu><model>EPYC</model><numa><cell id='0' cpus='0' memory='16' unit='GiB'/></numa></cpu>
            </domain>
            """;

    @TempDir
    Path dir;

    /** A UEFI guest with an EPYC vCPU (40 phys-bits under TCG), no devices. */
    private Path uefiDomain() throws IOException {
        Path file = dir.resolve("uefi.xml");
        Files.writeString(file, """
                <domain type='qemu'>
                  <name>uefi</name>
                  <memory unit='GiB'>16</memory>
                  <os firmware='efi'><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>
                  <cpu mode='custom'><model>EPYC</model></cpu>
                </domain>
                """);
        return file;
    }

    private Path domain() throws IOException {
        Path file = dir.resolve("epyc.xml");
        Files.writeString(file, EPYC_HOTPLUG);
        return file;
    }

    @Test
    void outputTakesTheFormatFromItsExtension() throws IOException {
        Path svg = dir.resolve("map.svg");
        CliRun run = CliRun.run("map", "--accel", "tcg", "-o", svg.toString(), domain().toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(Files.readString(svg).startsWith("<svg"), "an .svg file gets the picture");
        Path html = dir.resolve("map.HTML");
        assertEquals(0, CliRun.run("map", "--accel", "tcg", "-o", html.toString(), domain().toString()).exitCode());
        assertTrue(Files.readString(html).startsWith("<!DOCTYPE html>"));
        CliRun png = CliRun.run("map", "--accel", "tcg", "-o", dir.resolve("map.png").toString(), domain().toString());
        assertEquals(2, png.exitCode());
        assertTrue(png.err().contains("cannot tell the format of " + dir.resolve("map.png") + " from its extension:"
                + " name it .svg or .html, or give --format svg or --format html"), png.err());
        assertTrue(CliRun.run("map", "--accel", "tcg", domain().toString()).out().contains("region "),
                "without -o and --format the map is the text table");
    }

    /** A machine type newer than the target QEMU: the map is drawn, but it must not claim QEMU starts. */
    @Test
    void aMachineTypeTheQemuDoesNotOfferIsAStartRefusal() throws IOException {
        Path newer = Files.writeString(dir.resolve("newer.xml"), EPYC_HOTPLUG.replace("pc-q35-7.1", "pc-q35-10.0")
                .replace("<maxMemory slots='4' unit='GiB'>1024</maxMemory>", ""));
        CliRun text = CliRun.run("map", "--qemu-version", "6.2", newer.toString());
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("QEMU starts      no: unsupported machine type: \"pc-q35-10.0\" (QEMU 6.2"),
                text.out());
        JsonNode map = new ObjectMapper().readTree(CliRun.run("map", "--format", "json", "--qemu-version", "6.2",
                newer.toString()).out());
        assertEquals(false, map.get("qemuWillStart").asBoolean());
        assertEquals("unsupported machine type: \"pc-q35-10.0\"", map.get("qemuError").asText());
        assertEquals("not_registered", map.at("/machine/registration").asText());
    }

    @Test
    void jsonFollowsTheContract() throws IOException {
        CliRun run = CliRun.run("map", "--format", "json", domain().toString());
        assertEquals(0, run.exitCode(), run.err());
        JsonNode map = new ObjectMapper().readTree(run.out());
        assertEquals("pc-q35-7.1", map.at("/machine/name").asText());
        assertEquals(40, map.get("physBits").asInt());
        assertTrue(map.get("physBitsSource").asText().contains("EPYC"));
        assertEquals("AMD", map.get("vendor").asText());
        assertEquals("0x10000000000", map.get("above4gStart").asText());
        assertEquals("0x2087fffffff", map.get("maxUsedGpa").asText());
        assertEquals(42, map.get("requiredPhysBits").asInt());
        assertEquals(false, map.get("qemuWillStart").asBoolean());
        assertEquals("Address space limit 0xffffffffff < 0x2087fffffff phys-bits too low (40)",
                map.get("qemuError").asText());
        JsonNode ramAbove = null;
        for (JsonNode region : map.get("regions")) {
            if (region.get("name").asText().equals("ram-above-4g")) {
                ramAbove = region;
            }
        }
        assertEquals("0x10000000000", ramAbove.get("start").asText());
        assertEquals("0x1037fffffff", ramAbove.get("end").asText());
    }

    @Test
    void textShowsTheTableAndTheVerdict() throws IOException {
        CliRun run = CliRun.run("map", domain().toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("amd-ht-hole     0xfd00000000   0xffffffffff    12 GiB"), run.out());
        assertTrue(run.out().contains("QEMU starts      no: Address space limit 0xffffffffff < 0x2087fffffff"),
                run.out());
    }

    @Test
    void aKvmDomainWithoutHostFactsIsMappedOnAnAmdAndAnIntelHost() throws IOException {
        Path file = dir.resolve("kvm.xml");
        Files.writeString(file, EPYC_HOTPLUG.replace("type='qemu'", "type='kvm'"));
        CliRun run = CliRun.run("map", file.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().startsWith("host             not known: the maps below are on an AMD host and on an Intel"
                + " host"), run.out());
        // The AMD host relocates RAM past the HyperTransport hole (42 bits needed), the Intel one does not (41).
        assertTrue(run.out().contains("=== on an AMD host ===") && run.out().contains("needs 42 phys-bits"), run.out());
        assertTrue(run.out().contains("=== on an Intel host ===") && run.out().contains("needs 41 phys-bits"), run.out());

        JsonNode json = new ObjectMapper().readTree(CliRun.run("map", "--format", "json", file.toString()).out());
        assertEquals(false, json.get("hostKnown").asBoolean());
        assertEquals(2, json.get("hosts").size());
        assertEquals("AMD", json.get("hosts").get(0).get("vendor").asText());

        CliRun intel = CliRun.run("map", "--host-vendor", "intel", file.toString());
        assertTrue(intel.out().startsWith("machine "), "a host given by hand is the one host: " + intel.out());
        CliRun tooWide = CliRun.run("map", "--host-phys-bits", "57", file.toString());
        assertEquals(2, tooWide.exitCode());
        assertEquals("virt-lint: --host-phys-bits 57 is not a width x86-64 CPUs have (36 to 52)\n", tooWide.err());
    }

    @Test
    void hostPassthroughIsMappedAtTypicalWidthsWithTheWindowOnEveryHost() throws IOException {
        Path file = dir.resolve("passthrough.xml");
        Files.writeString(file, """
                <domain type='kvm'>
                  <name>hp</name>
                  <memory unit='GiB'>16</memory>
                  <os firmware='efi'><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>
                  <cpu mode='host-passthrough'/>
                </domain>
                """);
        CliRun run = CliRun.run("map", file.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("=== on an AMD host with 48 physical address bits ==="), run.out());
        assertTrue(run.out().contains("=== on an Intel host with 39 physical address bits ==="), run.out());
        assertTrue(run.out().contains("ovmf-mmio64      on every host the domain could run on: 1 TiB to 16 TiB (wider with more host"
                + " address bits) on an AMD host and 32 GiB to 16 TiB"),
                run.out());
    }

    @Test
    void barSizesDeclaredInTheConfigurationArePlaced() throws IOException {
        Files.createDirectories(dir.resolve(".git"));
        Files.writeString(dir.resolve(".virt-lint.yaml"), "devices:\n  \"0000:41:00.0\": {bars: {1: 32G}}\n");
        Path file = dir.resolve("gpu.xml");
        Files.writeString(file, """
                <domain type='qemu'>
                  <name>gpu</name>
                  <memory unit='GiB'>16</memory>
                  <os firmware='efi'><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>
                  <cpu mode='custom'><model>EPYC</model></cpu>
                  <devices>
                    <hostdev mode='subsystem' type='pci' managed='yes'>
                      <source><address domain='0x0000' bus='0x41' slot='0x00' function='0x0'/></source>
                    </hostdev>
                  </devices>
                </domain>
                """);
        CliRun run = CliRun.run("map", file.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("hostdev 0000:41:00.0"), run.out());
        assertTrue(!run.out().contains("BAR sizes unknown"), run.out());
    }

    @Test
    void aReleaseModelledFromSourceSaysSoInTextJsonAndPicture() throws IOException {
        Path file = uefiDomain();
        String[] options = {"map", "--accel", "tcg", "--ovmf-version", "2025.11"};
        CliRun text = CliRun.run(concat(options, file.toString()));
        assertTrue(text.out().contains("ovmf release     2025.11, modelled from edk2 source, not verified by a boot"),
                text.out());
        JsonNode firmware = new ObjectMapper().readTree(CliRun.run(concat(options, "--format", "json",
                file.toString())).out()).get("firmware");
        assertEquals(false, firmware.get("ovmfVerifiedByBoot").asBoolean(), firmware.toString());
        assertEquals("modelled from edk2 source, not verified by a boot", firmware.get("ovmfEvidence").asText());
        String svg = CliRun.run(concat(options, "--format", "svg", file.toString())).out();
        assertTrue(svg.contains("OVMF 2025.11: modelled from edk2 source, not verified by a boot"), svg);
        String booted = CliRun.run("map", "--accel", "tcg", "--ovmf-version", "2022.11", file.toString()).out();
        assertTrue(booted.contains("ovmf release     2022.11, verified by a boot"), booted);
    }

    /** An EPYC vCPU's 40 bits: 2022.11 puts the window in the HT hole, 2023.02 moves it below; 2022.02 has 32 GiB. */
    @Test
    void withoutANamedReleaseTheMapGivesEachSpansWindow() throws IOException {
        Path file = uefiDomain();
        String text = CliRun.run("map", file.toString()).out();
        assertTrue(text.contains("span by span (below), and this map draws 2022.11"), text);
        assertTrue(text.matches("(?s).*\\n  2022\\.02 to 2022\\.08 +0x800000000-0xfffffffff +32 GiB +booted\\n.*"), text);
        assertTrue(text.matches("(?s).*\\n  2022\\.11 +0xe000000000-0xffffffffff +128 GiB +booted\\n.*"), text);
        assertTrue(text.matches("(?s).*\\n  2023\\.02 to 2023\\.05 +0xc000000000-0xdfffffffff +128 GiB +edk2 source\\n.*"),
                text);
        JsonNode spans = new ObjectMapper().readTree(CliRun.run("map", "--format", "json",
                file.toString()).out()).get("firmware").get("windowsByOvmfSpan");
        assertEquals(OvmfReleaseSpan.WHEN_UNNAMED.size(), spans.size(), spans.toString());
        assertEquals("0xc000000000", spans.get(2).get("windowStart").asText());
        String named = CliRun.run("map", "--ovmf-version", "2022.11", file.toString()).out();
        assertFalse(named.contains("ovmf spans"), "a named release is the only one: " + named);
    }

    private static String[] concat(String[] first, String... rest) {
        String[] all = Arrays.copyOf(first, first.length + rest.length);
        System.arraycopy(rest, 0, all, first.length, rest.length);
        return all;
    }

    /**
     * virt-manager's 14 hot-pluggable root ports: OVMF 2022.11 has I/O space for ten and drops the padding of the four
     * lowest-numbered (booted: OvmfOracleTest), 2025.02 pads no port with I/O.
     */
    @Test
    void theIoSpaceSaysWhichPortsKeepTheirPadding() throws IOException {
        StringBuilder ports = new StringBuilder();
        for (int index = 1; index <= 14; index++) {
            ports.append(String.format("<controller type='pci' index='%d' model='pcie-root-port'><address type='pci'"
                    + " domain='0x0000' bus='0x00' slot='0x0%x' function='0x%x'%s/></controller>", index,
                    2 + (index - 1) / 8, (index - 1) % 8, (index - 1) % 8 == 0 ? " multifunction='on'" : ""));
        }
        Path file = Files.writeString(dir.resolve("ports.xml"), """
                <domain type='qemu'>
                  <name>ports</name>
                  <memory unit='GiB'>4</memory>
                  <os firmware='efi'><type arch='x86_64' machine='pc-q35-9.2'>hvm</type></os>
                  <cpu mode='custom'><model>EPYC</model></cpu>
                  <devices><controller type='pci' index='0' model='pcie-root'/>%s
                    <controller type='usb' model='none'/><memballoon model='none'/></devices>
                </domain>
                """.formatted(ports));
        CliRun text = CliRun.run("map", "--ovmf-version", "2022.11", file.toString());
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("ovmf-io          0x6000-0xffff  40 KiB of PCI I/O ports; the I/O BARs and"
                + " bridges' 4 KiB I/O windows need 56 KiB, more than it has: see below"), text.out());
        assertTrue(text.out().contains("OVMF places      every BAR, after dropping the hot-plug padding of pci.1"
                + " pcie-root-port, pci.2 pcie-root-port, pci.3 pcie-root-port, pci.4 pcie-root-port for its I/O space"),
                text.out());
        JsonNode map = new ObjectMapper().readTree(CliRun.run("map", "--format", "json", "--ovmf-version", "2022.11",
                file.toString()).out());
        JsonNode io = map.at("/firmware/placement/io");
        assertEquals(4, io.get("rejected").size(), map.toString());
        assertEquals("0x6000", io.at("/bridgeWindows/0/start").asText());
        assertEquals("pci.14 pcie-root-port", io.at("/bridgeWindows/0/bridge").asText(), "the last port comes first");
        CliRun later = CliRun.run("map", "--ovmf-version", "2025.02-8+deb13u1", file.toString());
        assertTrue(later.out().contains("OVMF places      every BAR\n"), later.out());
    }
}
