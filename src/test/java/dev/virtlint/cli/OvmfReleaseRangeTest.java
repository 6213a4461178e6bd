package dev.virtlint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.virtlint.firmware.OvmfRelease;
import dev.virtlint.firmware.OvmfReleaseSpan;
import dev.virtlint.support.CliRun;

/**
 * Where nothing names the host's OVMF release, a UEFI guest is checked under every span of releases virt-lint
 * models, and a finding says under which: OVMF 2022.11 puts an AMD vCPU's 40-bit window in the HyperTransport hole,
 * 2023.02 and later move it below.
 */
class OvmfReleaseRangeTest {
    private static final String EPYC_GPU = """
            <domain type='kvm'>
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
            """;

    @TempDir
    Path dir;

    private List<JsonNode> findings(String rule, String... options) throws IOException {
        Path file = dir.resolve("gpu.xml");
        Files.writeString(file, EPYC_GPU);
        List<String> args = new ArrayList<>(List.of("--isolated", "--format", "json"));
        args.addAll(List.of(options));
        args.add(file.toString());
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode finding : new ObjectMapper().readTree(CliRun.run(args.toArray(String[]::new)).out())
                .get("files").get(0).get("findings")) {
            if (finding.get("rule").asText().equals(rule)) {
                found.add(finding);
            }
        }
        return found;
    }

    @Test
    void aFindingUnderSomeReleasesNamesThem() throws IOException {
        List<JsonNode> vl104 = findings("VL104");
        assertEquals(1, vl104.size());
        JsonNode finding = vl104.get(0);
        assertTrue(finding.get("message").asText().startsWith("With OVMF 2022.11: "), finding.toString());
        assertTrue(finding.get("message").asText().contains("This run does not know the host's OVMF release"),
                finding.toString());
        assertEquals("[\"2022.11\"]", finding.get("data").get("failsOn").get("ovmfReleases").toString());
        assertFalse(finding.get("severity").asText().equals("error"));
    }

    @Test
    void theHelpSaysFromWhichReleaseAnUnnamedOvmfIsChecked() {
        assertTrue(CliRun.run("--help").out().replaceAll("\\s+", " ").contains("else every release from "
                + OvmfRelease.OLDEST_ASSUMED + ", in the spans"), "--help names OvmfRelease.OLDEST_ASSUMED");
    }

    @Test
    void aNamedReleaseIsTheOnlyOneChecked() throws IOException {
        assertTrue(findings("VL104", "--ovmf-version", "2025.02").isEmpty(), "2025.02 moves the window below the hole");
        List<JsonNode> old = findings("VL104", "--ovmf-version", "2022.11");
        assertEquals(1, old.size());
        assertFalse(old.get(0).get("message").asText().contains("With OVMF"), old.get(0).toString());
        assertFalse(old.get(0).get("data").has("ovmfReleases"));
    }

    @Test
    void aFindingUnderEveryReleaseSaysWhatEachDoes() throws IOException {
        Path config = dir.resolve(".virt-lint.yaml");
        Files.writeString(config, "devices:\n  \"0000:41:00.0\": {bars: {1: 1T}}\n");
        Path file = dir.resolve("gpu.xml");
        Files.writeString(file, EPYC_GPU);
        JsonNode json = new ObjectMapper().readTree(CliRun.run("--config", config.toString(), "--format", "json",
                file.toString()).out());
        JsonNode vl201 = null;
        for (JsonNode finding : json.get("files").get(0).get("findings")) {
            if (finding.get("rule").asText().equals("VL201")) {
                vl201 = finding;
            }
        }
        assertTrue(vl201 != null, json.toString());
        assertEquals("error", vl201.get("severity").asText(), "a 1 TiB BAR fits under neither release");
        String message = vl201.get("message").asText();
        assertTrue(message.startsWith("With OVMF 2022.02 to 2022.08: OVMF will leave hostdev 0000:41:00.0")
                && message.contains("classic window") && message.contains(". With OVMF 2022.11: "), message);
        assertFalse(message.contains("OVMF 2022.11 will"), "a span's verdict does not name the build it was checked as");
        assertEquals(OvmfReleaseSpan.WHEN_UNNAMED.size(), vl201.get("data").get("ovmfReleases").size());
        assertFalse(vl201.get("data").has("failsOn"), vl201.toString());
        assertFalse(vl201.get("data").has("ovmfRelease"), vl201.toString());
        assertEquals("modelled from edk2 source, not verified by a boot, for OVMF 2023.02 to 2025.02 and 2026.02 except"
                + " Ubuntu 24.04's 2024.02 and Debian 13's 2025.02; the others verified by a boot",
                vl201.get("data").get("ovmfEvidence").asText());
    }

    @Test
    void aHostsPackageVersionKeepsTheBuildsBackport() throws IOException {
        Path root = Files.createDirectories(dir.resolve("host"));
        Files.writeString(root.resolve("virt-lint-stack.properties"), "ovmf=2025.02-8+deb13u1\n");
        Path file = dir.resolve("knob.xml");
        Files.writeString(file, """
                <domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
                  <name>knob</name>
                  <memory unit='GiB'>4</memory>
                  <os firmware='efi'><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>
                  <cpu mode='custom'><model>EPYC</model></cpu>
                  <qemu:commandline>
                    <qemu:arg value='-fw_cfg'/>
                    <qemu:arg value='name=opt/ovmf/X-PciMmio64Mb,string=65536'/>
                  </qemu:commandline>
                </domain>
                """);
        JsonNode firmware = new ObjectMapper().readTree(CliRun.run("map", "--format", "json", "--host-root",
                root.toString(), file.toString()).out()).get("firmware");
        assertEquals("classic", firmware.get("windowKind").asText(),
                "Debian's 2025.02-2 and later use X-PciMmio64Mb as given: " + firmware);
        assertEquals(64L << 30, firmware.get("windowSize").asLong());
    }

    /** The VL203 finding of the EPYC guest linted with these options, and what the run said on standard error. */
    private record Linted(JsonNode vl203, String err) {
    }

    private Linted vl203(String... options) throws IOException {
        Path file = dir.resolve("gpu.xml");
        Files.writeString(file, EPYC_GPU);
        List<String> args = new ArrayList<>(List.of("--isolated", "--format", "json"));
        args.addAll(List.of(options));
        args.add(file.toString());
        CliRun run = CliRun.run(args.toArray(String[]::new));
        for (JsonNode finding : new ObjectMapper().readTree(run.out()).get("files").get(0).get("findings")) {
            if (finding.get("rule").asText().equals("VL203")) {
                return new Linted(finding, run.err());
            }
        }
        throw new AssertionError("no VL203: " + run.out());
    }

    @Test
    void aReleaseModelledFromSourceSaysSoOnceInTheRunAndInEachFirmwareFinding() throws IOException {
        Linted linted = vl203("--ovmf-version", "2025.11");
        JsonNode data = linted.vl203().get("data");
        assertEquals("2025.11", data.get("ovmfRelease").asText());
        assertFalse(data.get("ovmfVerifiedByBoot").asBoolean(), data.toString());
        assertEquals("modelled from edk2 source, not verified by a boot", data.get("ovmfEvidence").asText());
        String note = "virt-lint: note: OVMF 2025.11 is modelled from edk2 source, not verified by a boot";
        assertEquals(1, linted.err().lines().filter(line -> line.startsWith(note)).count(), linted.err());
    }

    @Test
    void aBootedBuildNeedsNoNote() throws IOException {
        for (String[] options : List.of(new String[] {"--ovmf-version", "2025.02-8+deb13u1"},
                new String[] {"--ovmf-version", "2026.08+ds-2"})) {
            Linted linted = vl203(options);
            assertTrue(linted.vl203().get("data").get("ovmfVerifiedByBoot").asBoolean(), linted.vl203().toString());
            assertFalse(linted.err().contains("OVMF"), linted.err());
        }
        Linted unnamed = vl203();
        assertFalse(unnamed.err().contains("OVMF"), "no note where no release is named: " + unnamed.err());
        assertTrue(vl203("--ovmf-version", "2025.02").vl203().get("data").get("ovmfEvidence").asText()
                .contains("the 2025.02 that was booted is Debian's build"), "upstream's 2025.02 was not booted");
    }

    @Test
    void aReleaseNewerThanTheModelSaysWhatItLacks() throws IOException {
        Linted linted = vl203("--ovmf-version", "edk2-stable202611");
        String evidence = linted.vl203().get("data").get("ovmfEvidence").asText();
        assertTrue(evidence.contains("modelled from edk2 source as 2026.08"), evidence);
        assertTrue(linted.err().contains("the 1/4 window of edk2 PR #12997, are not modelled"), linted.err());
    }
}
