package dev.virtlint.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.virtlint.domain.DomainBuilder;
import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.Hostdev;
import dev.virtlint.host.HostFacts;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.platform.PlatformResolver;
import dev.virtlint.platform.TargetStack;
import dev.virtlint.rules.firmware.PassthroughBars;
import dev.virtlint.support.CapturedHosts;
import dev.virtlint.support.ConvertibleHere;
import dev.virtlint.support.LibvirtArgv;
import dev.virtlint.support.OracleStacks;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.support.RealStack;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * VL201's advice, an {@code X-PciMmio64Mb} window, confirmed by the real OVMF 2022.11: each VL201 fixture whose fix
 * writes the knob is converted by libvirt 11.3 ({@code virsh domxml-to-native}), before and after the fix, and the
 * argv booted under TCG with the firmware libvirt picked. Each passed-through GPU is stood in for by
 * {@code ivshmem-plain} functions at the address libvirt gave its stand-in ({@link ConvertibleHere}), one per
 * 64-bit prefetchable BAR the captured host's sysfs shows, each backed by a sparse file of that BAR's size; the vCPU
 * is the one virt-lint predicts on that host (its vendor, phys-bits and 1 GiB pages: the CPUID OVMF sizes its
 * window from). After the fix OVMF must reach its boot manager with every BAR mapped ({@code info pci}); before it,
 * OVMF must have stopped, left a BAR unmapped or left a root port without the window it gets after the fix (the
 * hot-plug padding an emulated device's port loses), or the fixture shows nothing the advice changed.
 * {@code mvn test} boots the Resizable-BAR fixture; {@code -Dvirtlint.oracle.full=true} every one.
 */
@Tag("oracle")
class PciMmio64AdviceOvmfOracleTest {
    private static final Path VL201 = ProjectPaths.testdata().resolve("rules").resolve("VL201");
    private static final Pattern HOST_ROOT = Pattern.compile("<!--\\s*fixture:[^>]*?\\shost-root=(\\S+)");
    private static final String KNOB = "opt/ovmf/X-PciMmio64Mb";
    private static final String QUICK = "rebar-vcpu-wider-than-host";
    /** Each boot here reaches the boot manager in under a minute; a window OVMF cannot use may keep it busy. */
    private static final Duration UNFIXED_STOP_DEADLINE = Duration.ofMinutes(3);
    /** A memory or I/O BAR left out; BAR 6, the option ROM, is unmapped again once the firmware has read it. */
    private static final Pattern UNMAPPED_BAR = Pattern.compile("BAR[0-5]: [^\\n]*\\(not mapped\\)");
    private static final Pattern ACPI_TABLE_FILE = Pattern.compile("(?:^|,)file=([^,]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path scratch;

    /** A GPU's stand-in: the ivshmem device ids, one per 64-bit BAR. */
    private record Booted(OvmfBoot.Observation observation, List<String> standInIds) {
    }

    static Stream<String> fixtures() throws IOException {
        boolean full = Boolean.getBoolean("virtlint.oracle.full");
        List<String> names = new ArrayList<>();
        try (Stream<Path> files = Files.list(VL201)) {
            for (Path fixed : files.filter(f -> f.toString().endsWith(".fixed.xml")).sorted().toList()) {
                String name = fixed.getFileName().toString().replace(".fixed.xml", "");
                if (Files.readString(fixed).contains(KNOB) && (full || name.equals(QUICK))) {
                    names.add(name);
                }
            }
        }
        assertTrue(names.contains(QUICK), QUICK + " no longer writes " + KNOB + ": choose another quick fixture");
        return names.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void theAdvisedWindowMapsEveryBar(String name) throws Exception {
        RealStack.assumeQemu();
        RealStack.assumeLibvirt();
        assumeTrue(Files.isReadable(OracleStacks.INSTALLED_OVMF_CODE) && Files.isReadable(OracleStacks.INSTALLED_OVMF_VARS),
                "/usr/share/OVMF has no OVMF_CODE_4M.fd / OVMF_VARS_4M.fd: OVMF oracle skipped (Debian package ovmf)");
        Path original = VL201.resolve(name + ".xml");
        Matcher hostRoot = HOST_ROOT.matcher(Files.readString(original));
        assertTrue(hostRoot.find(), name + " names no captured host, so its GPUs have no BAR sizes");
        HostFacts host = CapturedHosts.read(hostRoot.group(1));

        Booted fixed = boot(VL201.resolve(name + ".fixed.xml"), host, Duration.ofDays(1));
        OvmfBoot.Observation after = fixed.observation();
        assertEquals("", after.error(), "the fixed domain's boot could not be judged");
        InfoPci pci = InfoPci.parse(after.infoPci());
        List<String> unmapped = fixed.standInIds().stream()
                .filter(id -> pci.address(id, 2).isEmpty()).toList();
        assertTrue(after.reachedBoot(), "with the advised window OVMF stopped before its boot manager:\n"
                + after.infoPci());
        assertEquals(List.of(), unmapped, "BARs OVMF left unmapped with the advised window:\n" + after.infoPci());
        assertFalse(UNMAPPED_BAR.matcher(after.infoPci()).find(), "a device lost a BAR with the advised window:\n"
                + after.infoPci());

        OvmfBoot.Observation before = boot(original, host, UNFIXED_STOP_DEADLINE).observation();
        assertEquals("", before.error(), "the unfixed domain's boot could not be judged");
        Map<String, Optional<long[]>> windowsBefore = InfoPci.parse(before.infoPci()).prefetchableWindowById();
        List<String> windowsGained = pci.prefetchableWindowById().entrySet().stream()
                .filter(window -> window.getValue().isPresent()
                        && windowsBefore.getOrDefault(window.getKey(), Optional.empty()).isEmpty())
                .map(Map.Entry::getKey).toList();
        assertTrue(!before.reachedBoot() || UNMAPPED_BAR.matcher(before.infoPci()).find() || !windowsGained.isEmpty(),
                "OVMF maps every BAR and gives every root port its window without the fix too, so this fixture does"
                        + " not show what the advice changes:\n" + before.infoPci());
        System.out.printf("%s: OVMF placed every BAR with the advice in %d s; without it it %s%n", name,
                after.elapsed().toSeconds(), !before.reachedBoot() ? "stopped"
                        : UNMAPPED_BAR.matcher(before.infoPci()).find() ? "left a BAR unmapped"
                        : "left " + windowsGained + " without a window");
    }

    /** Converts the fixture with libvirt, stands in for its GPUs and boots OVMF on the result. */
    private Booted boot(Path fixture, HostFacts host, Duration stopDeadline) throws Exception {
        String text = Files.readString(fixture);
        DomainDef domain = DomainBuilder.build(new SafeXmlLoader().load(fixture.getFileName().toString(),
                text.getBytes(StandardCharsets.UTF_8)));
        LintEnvironment environment = LintEnvironment.of(TargetStack.defaults(), Optional.of(host));
        FirmwareCpu cpu = PlatformResolver.resolve(domain, environment.stack(), environment.hostCpu()).firmware()
                .value().orElseThrow(() -> new AssertionError(fixture + ": virt-lint resolves no firmware for it"))
                .input().cpu();
        Map<String, List<Bar>> barsByHostAddress =
                PassthroughBars.of(domain.pciHostdevs(), Optional.of(host), DeclaredDevices.NONE);

        Path directory = Files.createTempDirectory(scratch, "boot-");
        Path file = directory.resolve("domain.xml");
        Files.writeString(file, ConvertibleHere.prepare(text));
        RealStack.Result converted = LibvirtArgv.nativeArgv(file);
        assertEquals(0, converted.exitCode(), fixture + ": libvirt refused it: " + converted.output());
        List<String> libvirtArgv = LibvirtArgv.runnable(converted.output().strip(), directory);

        List<List<Bar>> standIns = new ArrayList<>();
        for (Hostdev hostdev : domain.pciHostdevs()) {
            standIns.add(hostdev.source().map(source -> barsByHostAddress.getOrDefault(source.bdf(), List.<Bar>of()))
                    .orElse(List.of()).stream().filter(bar -> bar.is64Bit() && bar.prefetchable()).toList());
        }
        Path varstoreTemplate = varstoreTemplate(libvirtArgv);
        List<String> standInIds = new ArrayList<>();
        List<String> commandLine = new ArrayList<>();
        for (int i = 0; i < libvirtArgv.size(); i++) {
            String option = libvirtArgv.get(i);
            String value = i + 1 < libvirtArgv.size() ? libvirtArgv.get(i + 1) : "";
            switch (option) {
                case "-S" -> {
                    // OVMF has to run to place the BARs.
                }
                case "-netdev" -> i++;
                case "-acpitable" -> {
                    i++;
                    // The author's ACPI table (an SSDT for a laptop's battery): QEMU exits when it is missing, and it
                    // has no part in PCI placement.
                    Matcher table = ACPI_TABLE_FILE.matcher(value);
                    if (!table.find() || Files.exists(Path.of(table.group(1)))) {
                        commandLine.addAll(List.of(option, value));
                    }
                }
                case "-cpu" -> {
                    i++;
                    commandLine.addAll(List.of(option, standInCpu(cpu)));
                }
                case "-blockdev" -> {
                    i++;
                    commandLine.addAll(List.of(option, withWritableVarstore(value, varstoreTemplate, directory)));
                }
                case "-device" -> {
                    i++;
                    ObjectNode device = (ObjectNode) JSON.readTree(value);
                    int standIn = standIns.size() - 1;
                    while (standIn >= 0 && !device.path("id").asText().equals(ConvertibleHere.standInAlias(standIn))) {
                        standIn--;
                    }
                    if (standIn >= 0) {
                        commandLine.addAll(ivshmemFunctions(device, standIn, standIns.get(standIn), directory,
                                standInIds));
                    } else {
                        // libvirt hands a started domain its NICs' tap devices as file descriptors: a NIC without
                        // a backend keeps its place in the PCI tree.
                        device.remove("netdev");
                        commandLine.addAll(List.of(option, JSON.writeValueAsString(device)));
                    }
                }
                default -> commandLine.add(option);
            }
        }
        assertFalse(standInIds.isEmpty(), fixture + ": the captured host shows no 64-bit BAR for its GPUs");
        Path serial = directory.resolve("serial.txt");
        commandLine.addAll(List.of("-serial", "file:" + serial));
        return new Booted(OvmfBoot.run(new ProcessBuilder(commandLine), serial, stopDeadline), standInIds);
    }

    /**
     * One {@code ivshmem-plain} function per BAR where libvirt put the GPU's stand-in, the first one multi-function
     * when there are more; each memdev a sparse file of the BAR's size.
     */
    private static List<String> ivshmemFunctions(JsonNode placeholder, int standIn, List<Bar> bars, Path directory,
                                                 List<String> ids) throws IOException {
        String[] address = placeholder.path("addr").asText("0x0").split("\\.");
        int firstFunction = address.length > 1 ? Integer.decode(address[1]) : 0;
        List<String> arguments = new ArrayList<>();
        for (int i = 0; i < bars.size(); i++) {
            String id = "standin" + standIn + "-bar" + bars.get(i).index();
            Path backing = directory.resolve(id);
            try (RandomAccessFile sparse = new RandomAccessFile(backing.toFile(), "rw")) {
                sparse.setLength(bars.get(i).size());
            }
            ObjectNode memory = JSON.createObjectNode().put("qom-type", "memory-backend-file").put("id", id + "-mem")
                    .put("mem-path", backing.toString()).put("share", true).put("size", bars.get(i).size());
            ObjectNode device = JSON.createObjectNode().put("driver", "ivshmem-plain").put("id", id)
                    .put("memdev", id + "-mem").put("bus", placeholder.path("bus").asText())
                    .put("addr", address[0] + ".0x" + Integer.toHexString(firstFunction + i));
            if (i == 0 && bars.size() > 1) {
                device.put("multifunction", true);
            }
            arguments.addAll(List.of("-object", JSON.writeValueAsString(memory), "-device",
                    JSON.writeValueAsString(device)));
            ids.add(id);
        }
        return arguments;
    }

    /** TCG's CPU with the CPUID virt-lint predicts for the domain on the captured host (KVM would give it there). */
    private static String standInCpu(FirmwareCpu cpu) {
        String model = cpu.vendorId().equals(FirmwareCpu.AMD) ? "EPYC" : "Skylake-Client";
        return model + ",vendor=" + cpu.vendorId() + ",phys-bits=" + cpu.physBits() + ",pdpe1gb="
                + (cpu.gigabytePages() ? "on" : "off");
    }

    /**
     * The varstore template of the firmware libvirt picked: its CODE file's VARS sibling (Secure Boot builds without
     * enrolled keys share the plain one).
     */
    private static Path varstoreTemplate(List<String> argv) throws IOException {
        for (int i = 0; i + 1 < argv.size(); i++) {
            JsonNode node = argv.get(i).equals("-blockdev") ? JSON.readTree(argv.get(i + 1)) : JSON.nullNode();
            if (node.path("node-name").asText().equals("libvirt-pflash0-storage")) {
                Path code = Path.of(node.path("filename").asText());
                Path vars = code.resolveSibling(code.getFileName().toString().replace("OVMF_CODE", "OVMF_VARS")
                        .replace(".secboot", ""));
                if (Files.isReadable(vars)) {
                    return vars;
                }
            }
        }
        return OracleStacks.INSTALLED_OVMF_VARS;
    }

    /** libvirt names the varstore a started domain would get under /var/lib/libvirt: a fresh copy takes its place. */
    private static String withWritableVarstore(String blockdev, Path template, Path directory) throws IOException {
        JsonNode node = JSON.readTree(blockdev);
        if (!node.path("node-name").asText().equals("libvirt-pflash1-storage")) {
            return blockdev;
        }
        Path copy = directory.resolve("VARS.fd");
        Files.copy(template, copy);
        ((ObjectNode) node).put("filename", copy.toString());
        return JSON.writeValueAsString(node);
    }
}
