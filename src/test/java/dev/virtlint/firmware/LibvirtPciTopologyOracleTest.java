package dev.virtlint.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.virtlint.domain.DomainBuilder;
import dev.virtlint.platform.HostCpu;
import dev.virtlint.platform.PlatformResolver;
import dev.virtlint.platform.TargetStack;
import dev.virtlint.support.RealStack;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * The PCI tree OVMF is given, as virt-lint predicts it from a domain that leaves addresses to libvirt, against the
 * {@code -device} arguments libvirt 11.3 generates ({@code virsh domxml-to-native}): which root ports it adds, where,
 * hot-pluggable or not, and what sits behind each, by the 64-bit BARs that matter to OVMF. Hostdevs cannot be
 * converted on a host without VFIO, so emulated devices stand in for the ordering.
 */
@Tag("oracle")
class LibvirtPciTopologyOracleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEAD = "<domain type='qemu'>\n  <name>topology</name>\n  <memory unit='GiB'>2</memory>\n"
            + "  <os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type></os>\n  <features><acpi/></features>\n"
            + "  <devices>\n";
    private static final String DISK = "<disk type='file' device='disk'><source file='/var/lib/libvirt/images/t.img'/>"
            + "<target dev='vda' bus='virtio'/></disk>\n";

    private static final Map<String, String> DOMAINS = new LinkedHashMap<>();

    static {
        DOMAINS.put("virtio disk and nic, libvirt's defaults", DISK
                + "<interface type='user'><model type='virtio'/></interface>\n");
        DOMAINS.put("no usb, no balloon, video, sound, shmem behind a PCI bridge", DISK
                + "<controller type='usb' model='none'/><memballoon model='none'/>\n"
                + "<video><model type='virtio'/></video><sound model='ich9'/>\n"
                + "<shmem name='lg'><model type='ivshmem-plain'/><size unit='M'>64</size></shmem>\n");
        DOMAINS.put("a named fixed root port: no spare", "<controller type='pci' index='1' model='pcie-root-port'>"
                + "<target hotplug='off'/></controller>\n"
                + "<disk type='file' device='disk'><source file='/var/lib/libvirt/images/t.img'/>"
                + "<target dev='vda' bus='virtio'/><address type='pci' bus='0x01' slot='0x00'/></disk>\n"
                + "<interface type='user'><model type='e1000e'/></interface>\n"
                + "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>\n");
        DOMAINS.put("empty root ports of the domain's own are filled first", "<controller type='pci' index='1'"
                + " model='pcie-root-port'/>\n<controller type='pci' index='2' model='pcie-root-port'/>\n"
                + "<controller type='pci' index='3' model='pcie-root-port'><target hotplug='off'/></controller>\n"
                + "<interface type='user'><model type='virtio'/></interface>\n");
        DOMAINS.put("a switch without addresses: upstream into the first free port, then its downstream ports",
                "<controller type='pci' index='1' model='pcie-root-port'><target hotplug='off'/></controller>\n"
                + "<controller type='pci' index='2' model='pcie-root-port'/>\n"
                + "<controller type='pci' index='3' model='pcie-switch-upstream-port'/>\n"
                + "<controller type='pci' index='4' model='pcie-switch-downstream-port'/>\n"
                + "<controller type='pci' index='5' model='pcie-switch-downstream-port'><target hotplug='off'/>"
                + "</controller>\n<interface type='user'><model type='virtio'/></interface>\n"
                + "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>\n");
        DOMAINS.put("a GPU's two functions behind a switch's downstream port, at the addresses the domain gives",
                "<controller type='pci' index='1' model='pcie-root-port'/>\n"
                + "<controller type='pci' index='2' model='pcie-switch-upstream-port'>"
                + "<address type='pci' bus='0x01' slot='0x00' function='0x0'/></controller>\n"
                + "<controller type='pci' index='3' model='pcie-switch-downstream-port'>"
                + "<address type='pci' bus='0x02' slot='0x00' function='0x0'/></controller>\n"
                + "<controller type='pci' index='4' model='pcie-switch-downstream-port'>"
                + "<address type='pci' bus='0x02' slot='0x01' function='0x0'/></controller>\n"
                + "<shmem name='gpu'><model type='ivshmem-plain'/><size unit='M'>64</size>"
                + "<address type='pci' bus='0x03' slot='0x00' function='0x0' multifunction='on'/></shmem>\n"
                + "<sound model='ich9'><address type='pci' bus='0x03' slot='0x00' function='0x1'/></sound>\n");
        DOMAINS.put("a Looking Glass shmem takes the domain's free port for its PCI bridge", "<controller type='pci'"
                + " index='1' model='pcie-root-port'/>\n<controller type='pci' index='2' model='pcie-root-port'/>\n"
                + "<shmem name='lg'><model type='ivshmem-plain'/><size unit='M'>64</size></shmem>\n"
                + "<interface type='user'><model type='virtio'/></interface>\n");
    }

    @Test
    void rootPortsMatchWhatLibvirtGenerates() throws Exception {
        RealStack.assumeLibvirt();
        Path directory = Files.createTempDirectory("virt-lint-topology-");
        try {
            List<String> mismatches = new ArrayList<>();
            for (Map.Entry<String, String> domain : DOMAINS.entrySet()) {
                String xml = HEAD + domain.getValue() + "  </devices>\n</domain>\n";
                Path file = directory.resolve("domain.xml");
                Files.writeString(file, xml);
                RealStack.Result argv = RealStack.run(List.of("virsh", "-c", "qemu:///system", "domxml-to-native",
                        "qemu-argv", file.toString()), 60);
                if (argv.exitCode() != 0) {
                    mismatches.add(domain.getKey() + ": libvirt refused it: " + argv.output().strip());
                    continue;
                }
                List<String> expected = new ArrayList<>(libvirtTree(RealStack.shellWords(argv.output().strip())));
                // QEMU builds ICH9's AHCI and SMBus into every q35 machine, so libvirt passes no -device for them; the
                // model carries them for their I/O BARs (docs/verified-stacks.md, OVMF's PCI I/O space).
                expected.addAll(Q35_CHIPSET_FUNCTIONS);
                List<String> predicted = predictedTree(xml);
                if (!expected.equals(predicted)) {
                    mismatches.add(domain.getKey() + ":\n    libvirt   " + expected + "\n    virt-lint " + predicted);
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

    /** ICH9's AHCI at 0x1f.2 and SMBus at 0x1f.3, described as {@link #describe} does: I/O BARs only. */
    private static final List<String> Q35_CHIPSET_FUNCTIONS = List.of("1f.2 []", "1f.3 []");

    private static List<String> predictedTree(String xml) throws Exception {
        var domain = DomainBuilder.build(new SafeXmlLoader().load("domain.xml",
                new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8))));
        OvmfPlan plan = PlatformResolver.resolve(domain, TargetStack.defaults(), HostCpu.unknown())
                .firmware().value().orElseThrow();
        return describe(plan.rootBus());
    }

    private static List<String> describe(List<PciNode> nodes) {
        List<String> lines = new ArrayList<>();
        for (PciNode node : nodes.stream().sorted(Comparator.comparingInt(PciNode::devfn)).toList()) {
            String at = String.format(Locale.ROOT, "%02x.%d ", node.slot(), node.function());
            if (node instanceof PciNode.Bridge bridge) {
                lines.add(at + (bridge.hotplug() ? "hotplug-port" : "port") + describe(bridge.children()));
            } else if (node instanceof PciNode.Endpoint endpoint) {
                lines.add(at + signature(endpoint.bars()));
            }
        }
        return lines;
    }

    /** libvirt's -device arguments as the same tree: root ports and bridges by id, devices by their bus. */
    private static List<String> libvirtTree(List<String> argv) throws Exception {
        Map<String, List<JsonNode>> byBus = new LinkedHashMap<>();
        for (int i = 0; i + 1 < argv.size(); i++) {
            if (argv.get(i).equals("-device") && argv.get(i + 1).startsWith("{")) {
                JsonNode device = JSON.readTree(argv.get(i + 1));
                byBus.computeIfAbsent(device.path("bus").asText(), bus -> new ArrayList<>()).add(device);
            }
        }
        return libvirtBus(byBus, "pcie.0");
    }

    private static List<String> libvirtBus(Map<String, List<JsonNode>> byBus, String bus) {
        record Entry(int devfn, String text) {
        }
        List<Entry> entries = new ArrayList<>();
        for (JsonNode device : byBus.getOrDefault(bus, List.of())) {
            String[] addr = device.path("addr").asText("0x0").split("\\.");
            int slot = Integer.decode(addr[0]);
            int function = addr.length > 1 ? Integer.decode(addr[1]) : 0;
            String at = String.format(Locale.ROOT, "%02x.%d ", slot, function);
            String driver = device.path("driver").asText();
            String text = switch (driver) {
                case "pcie-root-port", "xio3130-downstream" -> at + (device.path("hotplug").asBoolean(true)
                        ? "hotplug-port" : "port") + libvirtBus(byBus, device.path("id").asText());
                // OVMF pads a PCI bridge with a standard hot-plug controller, which QEMU's pcie-pci-bridge has.
                case "pcie-pci-bridge" -> at + "hotplug-port" + libvirtBus(byBus, device.path("id").asText());
                case "x3130-upstream" -> at + "port" + libvirtBus(byBus, device.path("id").asText());
                default -> at + signature(driverBars(driver));
            };
            entries.add(new Entry(slot << 3 | function, text));
        }
        return entries.stream().sorted(Comparator.comparingInt(Entry::devfn)).map(Entry::text).toList();
    }

    /** The 64-bit BARs QEMU 10.0 gives these devices (read from info pci). */
    private static List<Bar> driverBars(String driver) {
        if (driver.startsWith("virtio-") || driver.equals("virtio-vga")) {
            return List.of(Bar.prefetchable64(4, 16 << 10));
        }
        if (driver.endsWith("xhci")) {
            return List.of(new Bar(0, 16 << 10, true, false));
        }
        if (driver.equals("ivshmem-plain")) {
            return List.of(Bar.prefetchable64(2, 64 << 20));
        }
        return List.of();
    }

    private static String signature(List<Bar> bars) {
        return bars.stream().filter(Bar::is64Bit)
                .map(bar -> (bar.prefetchable() ? "pref" : "mem") + (bar.size() >> 10) + "K")
                .toList().toString();
    }
}
