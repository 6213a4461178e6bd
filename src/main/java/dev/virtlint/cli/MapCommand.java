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
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.virtlint.domain.DomainBuilder;
import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.MemorySize;
import dev.virtlint.platform.AddressMap;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.platform.MachineType;
import dev.virtlint.platform.Platform;
import dev.virtlint.platform.PlatformResolver;
import dev.virtlint.platform.Region;
import dev.virtlint.rules.Hex;
import dev.virtlint.xml.SafeXmlLoader;
import dev.virtlint.xml.XmlLoadException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "map", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Print the guest physical address map QEMU will build for a domain: RAM below and above"
                + " 4 GiB, the memory-hotplug region, the 64-bit PCI hole, AMD's HyperTransport hole, the highest"
                + " address and whether QEMU will start; then OVMF's 64-bit PCI window and where it puts each"
                + " 64-bit BAR.",
        footerHeading = "%nExamples:%n",
        footer = {"  virt-lint map win11.xml", "  virt-lint map --accel tcg --format json win11.xml",
            "  virt-lint map --format svg -o map.svg win11.xml", "  virt-lint map --format html -o map.html win11.xml",
            "  virt-lint map --qemu-version 8.2 epyc-guest.xml"})
final class MapCommand implements Callable<Integer> {
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
        Platform platform = PlatformResolver.resolve(domain, environment.stack(), environment.hostCpu());
        if (platform.addressMap().isEmpty()) {
            err.println(file + ": cannot predict the address map: " + whyUnknown(platform));
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
        if (format == MapFormat.svg || format == MapFormat.html) {
            return MapPictureOutput.write(FirmwareMapView.picture(domain, platform, environment.hostFacts()), format,
                    output, out, err);
        }
        if (format == MapFormat.json) {
            Map<String, Object> json = json(platform);
            json.put("firmware", FirmwareMapView.json(domain, platform, environment.hostFacts()));
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        } else {
            text(out, platform);
            FirmwareMapView.text(out, domain, platform, environment.hostFacts());
        }
        out.flush();
        return ExitCodes.CLEAN;
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
