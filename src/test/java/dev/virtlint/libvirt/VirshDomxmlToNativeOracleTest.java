package dev.virtlint.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.domain.DomainBuilder;
import dev.virtlint.support.LiveHost;
import dev.virtlint.support.RealStack;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * The libvirt half of the address-map oracle: for generated domains, the {@code -m}, {@code -cpu} and
 * {@code pci-hole64-size} that the real libvirt 11.3 ({@code virsh domxml-to-native}) generates equal
 * what {@link LibvirtToQemu} predicts, and {@code qemu:commandline} arguments reach the command line.
 */
@Tag("oracle")
class VirshDomxmlToNativeOracleTest {
    private static final String[] MACHINES = {"pc-q35-7.0", "pc-q35-7.1", "pc-q35-9.2", "pc-q35-10.0", "q35",
        "pc-i440fx-6.2", "pc-i440fx-8.2", "pc"};
    private static final String[] MEMORY = {"4 GiB", "3 GB", "12345 MiB", "1048577 KiB", "256 GiB", "1 TiB", "1500 GB"};
    private static final String[] CPUS = {"", "custom:EPYC", "custom:Skylake-Client", "custom:qemu64",
        "host-model", "custom:EPYC-Rome:GenuineIntel"};
    private static final String[] MAXPHYSADDR = {"", "<maxphysaddr mode='emulate' bits='42'/>",
        "<maxphysaddr mode='emulate' bits='46'/>", "<maxphysaddr mode='passthrough' limit='39'/>",
        "<maxphysaddr mode='passthrough'/>", "<maxphysaddr mode='emulate'/>"};
    private static final String[] HOLES = {"", "<pcihole64 unit='GiB'>64</pcihole64>", "<pcihole64>1048576</pcihole64>",
        "<pcihole64 unit='TB'>1</pcihole64>"};

    @TempDir
    Path dir;

    record Case(String name, String xml) {
    }

    static List<Case> cases(int count) {
        Random random = new Random(20261122);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String machine = MACHINES[random.nextInt(MACHINES.length)];
            boolean q35 = machine.contains("q35");
            String[] memory = MEMORY[random.nextInt(MEMORY.length)].split(" ");
            boolean hotplug = random.nextInt(3) == 0;
            boolean numa = hotplug || random.nextBoolean();
            String cpuSpec = CPUS[random.nextInt(CPUS.length)];
            String maxphys = cpuSpec.isEmpty() ? "" : MAXPHYSADDR[random.nextInt(MAXPHYSADDR.length)];
            String hole = HOLES[random.nextInt(HOLES.length)];
            StringBuilder xml = new StringBuilder("<domain type='qemu'>\n  <name>oracle" + i + "</name>\n");
            if (hotplug) {
                xml.append("  <maxMemory slots='").append(1 + random.nextInt(8)).append("' unit='GiB'>")
                        .append(2048 + 256 * random.nextInt(4)).append("</maxMemory>\n");
            }
            xml.append("  <memory unit='").append(memory[1]).append("'>").append(memory[0]).append("</memory>\n");
            xml.append("  <vcpu>2</vcpu>\n  <os><type arch='x86_64' machine='").append(machine)
                    .append("'>hvm</type></os>\n");
            if (!cpuSpec.isEmpty() || numa) {
                String[] cpu = cpuSpec.isEmpty() ? new String[] {"custom", "qemu64"} : cpuSpec.split(":");
                xml.append("  <cpu mode='").append(cpu[0]).append("'>");
                if (cpu.length > 1) {
                    xml.append("<model").append(cpu.length > 2 ? " vendor_id='" + cpu[2] + "'" : "").append('>')
                            .append(cpu[1]).append("</model>");
                }
                xml.append(maxphys);
                if (numa) {
                    xml.append("<numa><cell id='0' cpus='0-1' memory='").append(memory[0]).append("' unit='")
                            .append(memory[1]).append("'/></numa>");
                }
                xml.append("</cpu>\n");
            }
            xml.append("  <devices>\n    <controller type='pci' index='0' model='").append(q35 ? "pcie-root" : "pci-root")
                    .append("'>").append(hole).append("</controller>\n  </devices>\n</domain>\n");
            cases.add(new Case("oracle" + i + " " + machine + " " + String.join("", memory) + " " + cpuSpec + " "
                    + maxphys + hole + (hotplug ? " hotplug" : ""), xml.toString()));
        }
        return cases;
    }

    @Test
    void libvirtGeneratesWhatVirtLintPredicts() throws Exception {
        RealStack.assumeLibvirt();
        int hostBits = LiveHost.physBits();
        int count = Boolean.getBoolean("virtlint.oracle.full") ? 600 : 200;
        List<String> mismatches = new ArrayList<>();
        for (Case c : cases(count)) {
            Path file = dir.resolve("domain.xml");
            Files.writeString(file, c.xml());
            RealStack.Result argv = RealStack.run(List.of("virsh", "-c", "qemu:///system", "domxml-to-native",
                    "qemu-argv", file.toString()), 60);
            if (LiveHost.widerThanHost(c.xml(), hostBits)) {
                if (argv.exitCode() == 0 || !argv.output().contains(LiveHost.WIDER_THAN_HOST_REFUSAL)) {
                    mismatches.add(c.name() + ": wider than this " + hostBits + "-bit host, so libvirt should refuse"
                            + " it as VL105 predicts: " + argv.output().strip());
                }
                continue;
            }
            if (argv.exitCode() != 0) {
                mismatches.add(c.name() + ": libvirt refused: " + argv.output().strip());
                continue;
            }
            QemuInputs predicted = LibvirtToQemu.map(DomainBuilder.build(
                    new SafeXmlLoader().load("d.xml", c.xml().getBytes(StandardCharsets.UTF_8))));
            compare(c.name(), RealStack.shellWords(argv.output().strip()), predicted, mismatches);
        }
        assertEquals(List.of(), mismatches, mismatches.size() + " of " + count + " generated domains disagree");
    }

    private static void compare(String name, List<String> words, QemuInputs predicted, List<String> mismatches) {
        Map<String, String> memory = new LinkedHashMap<>();
        String cpu = null;
        String hole = null;
        for (int i = 0; i + 1 < words.size(); i++) {
            switch (words.get(i)) {
                case "-m" -> {
                    for (String part : words.get(i + 1).split(",")) {
                        String[] kv = part.split("=", 2);
                        memory.put(kv[0], kv.length > 1 ? kv[1] : "");
                    }
                }
                case "-cpu" -> cpu = words.get(i + 1);
                case "-global" -> {
                    if (words.get(i + 1).contains("pci-hole64-size=")) {
                        hole = words.get(i + 1).substring(words.get(i + 1).indexOf('=') + 1);
                    }
                }
                default -> { }
            }
        }
        check(mismatches, name, "-m size", memory.get("size"), predicted.initialRamBytes().getAsLong() / 1024 + "k");
        check(mismatches, name, "-m maxmem", memory.get("maxmem"),
                predicted.maxMemBytes().isPresent() ? predicted.maxMemBytes().getAsLong() / 1024 + "k" : null);
        check(mismatches, name, "-m slots", memory.get("slots"),
                predicted.slots().isPresent() ? String.valueOf(predicted.slots().getAsInt()) : null);
        check(mismatches, name, "pci-hole64-size", hole,
                predicted.pciHole64Bytes().isPresent() ? predicted.pciHole64Bytes().getAsLong() / 1024 + "K" : null);
        Map<String, String> cpuProperties = new LinkedHashMap<>();
        String[] cpuParts = cpu == null ? new String[0] : cpu.split(",");
        for (int p = 1; p < cpuParts.length; p++) {
            String[] kv = cpuParts[p].split("=", 2);
            cpuProperties.put(kv[0], kv.length > 1 ? kv[1] : "on");
        }
        if (predicted.cpuModel().isPresent()) {
            check(mismatches, name, "-cpu model", cpuParts.length > 0 ? cpuParts[0] : null, predicted.cpuModel().get());
        }
        PhysBitsRequest bits = predicted.physBits();
        check(mismatches, name, "phys-bits", cpuProperties.get("phys-bits"),
                bits.physBits().isPresent() ? String.valueOf(bits.physBits().getAsInt()) : null);
        check(mismatches, name, "host-phys-bits", cpuProperties.get("host-phys-bits"),
                bits.hostPhysBits().map(on -> on ? "on" : "off").orElse(null));
        check(mismatches, name, "host-phys-bits-limit", cpuProperties.get("host-phys-bits-limit"),
                bits.hostPhysBitsLimit().isPresent() ? String.valueOf(bits.hostPhysBitsLimit().getAsInt()) : null);
        check(mismatches, name, "vendor", cpuProperties.get("vendor"), predicted.vendorOverride().orElse(null));
    }

    private static void check(List<String> mismatches, String name, String what, String libvirt, String ours) {
        if (libvirt == null ? ours != null : !libvirt.equals(ours)) {
            mismatches.add(name + ": " + what + ": libvirt " + libvirt + ", virt-lint " + ours);
        }
    }
}
