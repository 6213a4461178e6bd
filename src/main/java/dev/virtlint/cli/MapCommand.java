package dev.virtlint.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.virtlint.domain.DomainBuilder;
import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.MemorySize;
import dev.virtlint.host.CpuVendor;
import dev.virtlint.config.ConfigException;
import dev.virtlint.libvirt.CpuModels;
import dev.virtlint.lint.HostRange;
import dev.virtlint.platform.AddressMap;
import dev.virtlint.platform.HostCpu;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.platform.MachineType;
import dev.virtlint.platform.Platform;
import dev.virtlint.platform.PlatformResolver;
import dev.virtlint.platform.Region;
import dev.virtlint.rules.Hex;
import dev.virtlint.rules.firmware.WindowCapacity;
import dev.virtlint.xml.SafeXmlLoader;
import dev.virtlint.xml.XmlLoadException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "map", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the guest physical address map QEMU will build for a domain: RAM below and above"
                + " 4 GiB, the memory-hotplug region, the 64-bit PCI hole, AMD's HyperTransport hole, the highest"
                + " address and whether QEMU will start; then OVMF's 64-bit PCI window and where it puts each"
                + " 64-bit BAR (their sizes from --host-root, else from the 'devices:' of the .virt-lint.yaml that"
                + " governs FILE).",
            "Where the map depends on a host the run does not know (under KVM the vCPU takes the host's vendor;"
                + " host-passthrough its address bits), it is printed for an AMD host with " + MapCommand.TYPICAL_AMD_BITS
                + " physical address bits and an Intel host with " + MapCommand.TYPICAL_INTEL_BITS + " (the widths most such"
                + " hosts have), with the window OVMF gives on every host the domain could run on."},
        footerHeading = "%nExamples:%n",
        footer = {"  virt-lint map win11.xml", "  virt-lint map --accel tcg --format json win11.xml",
            "  virt-lint map --format svg -o map.svg win11.xml", "  virt-lint map --format html -o map.html win11.xml",
            "  virt-lint map --qemu-version 8.2 epyc-guest.xml",
            "  virt-lint map --host-vendor intel --host-phys-bits 39 win11.xml"})
final class MapCommand implements Callable<Integer> {
    static final int TYPICAL_AMD_BITS = 48;
    static final int TYPICAL_INTEL_BITS = 39;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "A domain XML file.")
    private Path file;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "${COMPLETION-CANDIDATES}; svg and html draw the map (default: from the -o file's"
                    + " extension, .svg or .html, else text).")
    private MapFormat format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the svg or html map to FILE.")
    private Path output;

    @Mixin
    private TargetOptions target = new TargetOptions();

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DomainDef domain;
        try {
            var document = new SafeXmlLoader().load(file);
            if (!document.root().qualifiedName().equals("domain")) {
                err.println(file + ":1:1: not a libvirt domain: the root element is <"
                        + document.root().qualifiedName() + ">");
                return ExitCodes.USAGE_OR_INPUT;
            }
            domain = DomainBuilder.build(document);
        } catch (XmlLoadException e) {
            err.println(e.oneLine());
            return ExitCodes.USAGE_OR_INPUT;
        }
        LintEnvironment environment;
        try {
            environment = target.environment(warning -> { });
        } catch (picocli.CommandLine.TypeConversionException e) {
            err.println("virt-lint: " + e.getMessage());
            return ExitCodes.USAGE_OR_INPUT;
        }
        PlatformResolver.ForDomain platforms = PlatformResolver.forDomain(domain);
        Platform onRunsHost = platforms.resolve(environment.stack(), environment.hostCpu());
        HostRange.Dimensions unknown = HostRange.dimensions(domain, onRunsHost, environment.hostCpu(),
                environment.ovmfAssumed());
        List<Platform> shown = unknown.any() ? sampleHosts(unknown, environment.hostCpu()).stream()
                .map(host -> platforms.resolve(environment.stack(), host)).toList() : List.of(onRunsHost);
        Optional<Platform> unpredictable = shown.stream().filter(p -> p.addressMap().isEmpty()).findFirst();
        if (unpredictable.isPresent()) {
            err.println(file + ": cannot predict the address map: " + whyUnknown(unpredictable.get()));
            return ExitCodes.USAGE_OR_INPUT;
        }
        if (format == null) {
            Optional<MapFormat> fromExtension = MapFormat.ofFileName(output);
            if (output != null && fromExtension.isEmpty()) {
                err.println("virt-lint map: cannot tell the format of " + output + " from its extension: name it .svg"
                        + " or .html, or give --format svg or --format html");
                return ExitCodes.USAGE_OR_INPUT;
            }
            format = fromExtension.orElse(MapFormat.text);
        }
        if (output != null && format != MapFormat.svg && format != MapFormat.html) {
            err.println("virt-lint map: -o writes svg and html maps; redirect text and json output instead");
            return ExitCodes.USAGE_OR_INPUT;
        }
        LintEnvironment withDevices;
        try {
            withDevices = environment.withDeclaredDevices(LintSetup.resolver(null, false).settingsFor(file).devices());
        } catch (ConfigException e) {
            err.println(e.oneLine());
            return ExitCodes.USAGE_OR_INPUT;
        }
        if (format == MapFormat.svg || format == MapFormat.html) {
            if (shown.size() > 1) {
                err.println("virt-lint map: the host is not known; the picture shows " + hostPhrase(shown.get(0))
                        + " (give --host-root, or --host-vendor and --host-phys-bits, for another)");
            }
            return MapPictureOutput.write(FirmwareMapView.picture(domain, shown.get(0), withDevices), format, output, out,
                    err);
        }
        WindowCapacity capacity = WindowCapacity.of(unknown.any() ? HostRange.hosts(unknown, environment.hostCpu())
                .stream().map(host -> platforms.resolve(environment.stack(), host)).toList()
                : List.of(onRunsHost));
        if (format == MapFormat.json) {
            List<Map<String, Object>> maps = new ArrayList<>();
            for (Platform platform : shown) {
                Map<String, Object> json = json(platform);
                json.put("firmware", FirmwareMapView.json(domain, platform, withDevices));
                maps.add(json);
            }
            Object document = maps.get(0);
            if (shown.size() > 1) {
                Map<String, Object> range = new LinkedHashMap<>();
                range.put("hostKnown", false);
                range.put("windowBytes", capacity.data());
                range.put("hosts", maps);
                document = range;
            }
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(document));
        } else {
            if (shown.size() > 1) {
                out.println("host             not known: the maps below are on " + shown.stream()
                        .map(MapCommand::hostPhrase).reduce((a, b) -> a + " and on " + b).orElseThrow()
                        + " (give --host-root, or --host-vendor and --host-phys-bits)");
                if (!capacity.isEmpty()) {
                    out.println("ovmf-mmio64      on every host the domain could run on: " + capacity.text());
                }
            }
            for (Platform platform : shown) {
                if (shown.size() > 1) {
                    out.println();
                    out.println("=== on " + hostPhrase(platform) + " ===");
                }
                text(out, platform);
                FirmwareMapView.text(out, domain, platform, withDevices);
            }
        }
        out.flush();
        return ExitCodes.CLEAN;
    }

    /**
     * The hosts the map is drawn on where the run does not know the host: one per vendor the range has, at the width
     * most such hosts that pass GPUs through have (AMD Zen: 48 bits; Intel client CPUs: 39, the narrowest and so the
     * smallest window), unless the domain's memory needs wider.
     */
    static List<HostCpu> sampleHosts(HostRange.Dimensions unknown, HostCpu known) {
        List<HostCpu> samples = new ArrayList<>();
        for (HostCpu host : HostRange.hosts(unknown, known)) {
            boolean seen = samples.stream().anyMatch(s -> s.vendorId().equals(host.vendorId()));
            if (seen) {
                continue;
            }
            int typical = host.vendorId().map(CpuModels.AMD::equals).orElse(false) ? TYPICAL_AMD_BITS
                    : TYPICAL_INTEL_BITS;
            samples.add(unknown.physBits() ? new HostCpu(host.vendorId(),
                    OptionalInt.of(Math.max(typical, unknown.narrowest()))) : host);
        }
        return samples;
    }

    /** "an AMD host with 48 physical address bits" */
    private static String hostPhrase(Platform platform) {
        HostCpu host = platform.host();
        String vendor = host.vendorId().map(id -> CpuVendor.fromVendorId(id).hostPhrase()).orElse("a host");
        return vendor + (host.physBits().isPresent() ? " with " + host.physBits().getAsInt()
                + " physical address bits" : "");
    }

    static String whyUnknown(Platform platform) {
        if (platform.machine().isEmpty()) {
            return "no QEMU defines machine type '" + platform.machineName() + "'";
        }
        if (platform.machine().get().layoutFlags().isEmpty()) {
            return "the layout is predicted for pc and q35 machine types, not " + platform.machineName();
        }
        if (!platform.vendor().isKnown()) {
            return platform.vendor().source();
        }
        if (!platform.physBits().isKnown()) {
            return platform.physBits().source();
        }
        return "the domain has no <memory>";
    }

    private static Map<String, Object> json(Platform platform) {
        AddressMap map = platform.addressMap().orElseThrow();
        MachineType machine = platform.machine().orElseThrow();
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> machineJson = new LinkedHashMap<>();
        machineJson.put("written", platform.machineWritten() ? platform.machineName() : null);
        machineJson.put("name", machine.concreteName());
        machineJson.put("family", machine.family().name().toLowerCase(Locale.ROOT));
        machineJson.put("build", machine.vendorBuild().name().toLowerCase(Locale.ROOT));
        machineJson.put("baseVersion", machine.baseVersion().map(Object::toString).orElse(null));
        machineJson.put("registration", platform.registration().name().toLowerCase(Locale.ROOT));
        json.put("machine", machineJson);
        json.put("qemuVersion", platform.qemu().version().toString());
        json.put("qemuVersionAssumed", platform.qemuAssumption().orElse(null));
        json.put("accel", platform.accel().label());
        json.put("physBits", map.physBits());
        json.put("physBitsSource", platform.physBits().source());
        json.put("vendor", vendorName(platform.vendor().value().orElse("")));
        json.put("vendorSource", platform.vendor().source());
        json.put("regions", map.regions().stream().map(region -> {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("name", region.name());
            r.put("start", Hex.of(region.start()));
            r.put("end", Hex.of(region.endInclusive()));
            r.put("size", region.size());
            r.put("note", region.note());
            return r;
        }).toList());
        json.put("above4gStart", Hex.of(map.above4gStart()));
        json.put("relocatedAbove1TiB", map.relocatedAbove1TiB());
        json.put("reservedMemoryEnd", map.reservedMemoryEnd().isPresent()
                ? Hex.of(map.reservedMemoryEnd().getAsLong()) : null);
        json.put("maxUsedGpa", Hex.of(map.maxUsedGpa()));
        json.put("requiredPhysBits", map.requiredPhysBits());
        json.put("qemuWillStart", platform.qemuWillStart());
        json.put("qemuError", platform.machineRefused() ? platform.machineRefusal() : map.qemuError().orElse(null));
        return json;
    }

    private static String vendorName(String vendorId) {
        return switch (vendorId) {
            case "AuthenticAMD" -> "AMD";
            case "GenuineIntel" -> "Intel";
            case "HygonGenuine" -> "Hygon";
            case "CentaurHauls" -> "Centaur";
            default -> vendorId;
        };
    }

    private static void text(PrintWriter out, Platform platform) {
        AddressMap map = platform.addressMap().orElseThrow();
        MachineType machine = platform.machine().orElseThrow();
        out.printf("machine   %s%s on QEMU %s (%s)%n", machine.concreteName(),
                machine.alias() ? " (alias " + machine.writtenName() + ")" : "", platform.qemu().version(),
                platform.accel().label());
        platform.qemuAssumption().ifPresent(assumed -> out.println("qemu      " + assumed));
        out.printf("vCPU      %s: %s%n", vendorName(platform.vendor().value().orElse("")), platform.vendor().source());
        out.printf("phys-bits %d: %s%n%n", map.physBits(), platform.physBits().source());
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"region", "start", "end", "size", "notes"});
        for (Region region : map.regions()) {
            rows.add(new String[] {region.name(), Hex.of(region.start()), Hex.of(region.endInclusive()),
                MemorySize.format(region.size()), region.note()});
        }
        TextTable.print(out, rows, true);
        out.println();
        out.printf("above-4g start   %s%s%n", Hex.of(map.above4gStart()),
                map.relocatedAbove1TiB() ? " (relocated past the AMD HyperTransport hole)" : "");
        if (map.reservedMemoryEnd().isPresent()) {
            out.printf("reserved-memory  %s (fw_cfg etc/reserved-memory-end)%n",
                    Hex.of(map.reservedMemoryEnd().getAsLong()));
        }
        out.printf("max used GPA     %s: needs %d phys-bits, the vCPU has %d%n", Hex.of(map.maxUsedGpa()),
                map.requiredPhysBits(), map.physBits());
        if (platform.machineRefused()) {
            out.println("QEMU starts      no: " + platform.machineRefusalExplained() + "; the map is what "
                    + machine.concreteName() + " would build");
        } else if (map.qemuWillStart()) {
            out.println("QEMU starts      yes");
        } else {
            out.println("QEMU starts      no: " + map.qemuError().orElse(map.errors().isEmpty() ? ""
                    : map.errors().get(0).message()));
        }
    }
}
