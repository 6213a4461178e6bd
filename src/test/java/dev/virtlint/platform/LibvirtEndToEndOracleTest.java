package dev.virtlint.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


import dev.virtlint.domain.DomainBuilder;
import dev.virtlint.support.LibvirtArgv;
import dev.virtlint.support.LiveHost;
import dev.virtlint.support.RealStack;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * The whole chain against the real stack: domain XML → libvirt 11.3 ({@code virsh domxml-to-native}) → QEMU
 * 10.0 started paused under TCG. virt-lint's prediction from the XML alone (platform resolution plus the
 * layout) must match QEMU's start-up error or its RAM placement. libvirt's own RAM backends are swapped for
 * sparse shared files so that terabyte guests fit on a build machine; nothing else in libvirt's argv changes
 * apart from the monitor and sandbox plumbing that only a libvirt-managed QEMU can use.
 */
@Tag("oracle")
class LibvirtEndToEndOracleTest {
    private static final String[] MACHINES = {"pc-q35-7.0", "pc-q35-7.1", "pc-q35-8.2", "pc-q35-10.0", "q35",
        "pc-i440fx-7.2", "pc-i440fx-10.0"};
    private static final String[] MODELS = {"EPYC", "EPYC-Rome", "Skylake-Client", "qemu64", "Haswell"};
    private static final long[] RAM_GIB = {2, 4, 16, 256, 1000, 1020};

    @TempDir
    Path dir;

    @Test
    void predictionsFromXmlMatchWhatQemuBuildsFromLibvirtsArgv() throws Exception {
        RealStack.assumeQemu();
        RealStack.assumeLibvirt();
        int hostBits = LiveHost.physBits();
        int count = Boolean.getBoolean("virtlint.oracle.full") ? 120 : 24;
        Random random = new Random(11_3_10_0);
        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String xml = domain(random, i);
            Path file = dir.resolve("e2e.xml");
            Files.writeString(file, xml);
            RealStack.Result native_ = RealStack.run(List.of("virsh", "-c", "qemu:///system", "domxml-to-native",
                    "qemu-argv", file.toString()), 60);
            if (LiveHost.widerThanHost(xml, hostBits)) {
                if (native_.exitCode() == 0 || !native_.output().contains(LiveHost.WIDER_THAN_HOST_REFUSAL)) {
                    disagreements.add("case " + i + ": wider than this " + hostBits + "-bit host, so libvirt should"
                            + " refuse it as VL105 predicts: " + native_.output().strip());
                }
                continue;
            }
            if (native_.exitCode() != 0) {
                disagreements.add("case " + i + ": libvirt refused: " + native_.output().strip() + "\n" + xml);
                continue;
            }
            Platform platform = PlatformResolver.resolve(DomainBuilder.build(new SafeXmlLoader().load("e2e.xml",
                    xml.getBytes(StandardCharsets.UTF_8))), TargetStack.defaults(), HostCpu.unknown());
            AddressMap predicted = platform.addressMap().orElseThrow();
            QemuProbe.Observation observed = QemuProbe.start(LibvirtArgv.runnable(native_.output().strip(), dir),
                    List.of(QemuProbe.hmp("tree", "info mtree")));
            String label = "case " + i + " (" + platform.machineName() + ", " + platform.inputs().cpuModel().orElse("")
                    + ", " + platform.physBits().value().orElse(0) + " bits)";
            if (predicted.qemuWillStart()) {
                if (observed.exitCode() != 0) {
                    disagreements.add(label + ": predicted a start, QEMU said " + observed.errorLine().orElse("?"));
                    continue;
                }
                Map<String, List<QemuProbe.MtreeLine>> tree = QemuProbe.namedRegions(observed.text("tree").orElse(""));
                for (String name : List.of(Region.RAM_BELOW_4G, Region.RAM_ABOVE_4G)) {
                    String expected = predicted.region(name).map(r -> range(r.start(), r.endInclusive())).orElse("none");
                    String actual = tree.getOrDefault(name, List.of()).stream().findFirst()
                            .map(l -> range(l.start(), l.endInclusive())).orElse("none");
                    if (!expected.equals(actual)) {
                        disagreements.add(label + ": " + name + " predicted " + expected + ", QEMU " + actual);
                    }
                }
            } else {
                String expected = QemuProbe.QEMU + ": " + predicted.qemuError().orElse("");
                if (!observed.errorLine().map(expected::equals).orElse(false)) {
                    disagreements.add(label + ": predicted '" + expected + "', QEMU " + observed.exitCode() + " '"
                            + observed.errorLine().orElse("no error") + "'");
                }
            }
        }
        assertEquals(List.of(), disagreements, disagreements.size() + " of " + count + " disagree");
    }

    private static String range(long start, long endInclusive) {
        return "0x" + Long.toHexString(start) + "-0x" + Long.toHexString(endInclusive);
    }

    private static String domain(Random random, int index) {
        String machine = MACHINES[random.nextInt(MACHINES.length)];
        long ram = RAM_GIB[random.nextInt(RAM_GIB.length)];
        boolean hotplug = random.nextInt(3) == 0;
        String maxphysaddr = switch (random.nextInt(4)) {
            case 0 -> "<maxphysaddr mode='emulate' bits='" + (39 + random.nextInt(6)) + "'/>";
            default -> "";
        };
        String hole = random.nextInt(4) == 0 ? "<pcihole64 unit='GiB'>" + (1L << random.nextInt(9)) + "</pcihole64>"
                : "";
        return "<domain type='qemu'>\n  <name>e2e" + index + "</name>\n"
                + (hotplug ? "  <maxMemory slots='" + (1 + random.nextInt(4)) + "' unit='GiB'>" + (ram + 256L
                        * (1 + random.nextInt(4))) + "</maxMemory>\n" : "")
                + "  <memory unit='GiB'>" + ram + "</memory>\n  <vcpu>1</vcpu>\n"
                + "  <os><type arch='x86_64' machine='" + machine + "'>hvm</type></os>\n"
                + "  <cpu mode='custom'><model>" + MODELS[random.nextInt(MODELS.length)] + "</model>" + maxphysaddr
                + (hotplug ? "<numa><cell id='0' cpus='0' memory='" + ram + "' unit='GiB'/></numa>" : "") + "</cpu>\n"
                + "  <devices><controller type='pci' index='0' model='" + (machine.contains("q35") ? "pcie-root"
                        : "pci-root") + "'>" + hole + "</controller></devices>\n</domain>\n";
    }
}
