package dev.virtlint.libvirt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.virtlint.domain.DomainBuilder;
import dev.virtlint.domain.DomainDef;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.xml.SafeXmlLoader;
import dev.virtlint.xml.XmlDocument;
import dev.virtlint.xml.XmlLoadException;

/**
 * For every libvirt 11.3 test input that libvirt turns into an x86_64 command line, the {@code -m},
 * the phys-bits options of {@code -cpu} and the {@code pci-hole64-size} globals virt-lint predicts equal
 * those in libvirt's own expected argv ({@code ../shared/corpus/libvirt-tests-expected/*.x86_64-latest.args}).
 */
class LibvirtExpectedArgvTest {
    /**
     * Inputs whose argv libvirt generates for an incoming migration: it keeps the source's unaligned
     * sizes instead of aligning them as {@code virsh define} does, so they say nothing about a definition.
     */
    private static final java.util.Set<String> INCOMING_MIGRATION = java.util.Set.of("migrate-numa-unaligned");

    /** The options of one expected argv, in order; repeated options keep every value. */
    record Argv(List<String[]> options) {
        static Argv parse(Path file) throws IOException {
            List<String[]> options = new ArrayList<>();
            for (String line : Files.readAllLines(file)) {
                String arg = line.strip();
                if (arg.endsWith("\\")) {
                    arg = arg.substring(0, arg.length() - 1).strip();
                }
                if (!arg.startsWith("-")) {
                    continue;
                }
                int space = arg.indexOf(' ');
                String option = space < 0 ? arg : arg.substring(0, space);
                String value = space < 0 ? "" : arg.substring(space + 1);
                if (value.startsWith("'") && value.endsWith("'")) {
                    value = value.substring(1, value.length() - 1);
                }
                options.add(new String[] {option, value});
            }
            return new Argv(options);
        }

        List<String> values(String option) {
            return options.stream().filter(o -> o[0].equals(option)).map(o -> o[1]).toList();
        }
    }

    private static Map<String, String> properties(String commaList) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (String part : commaList.split(",")) {
            String[] kv = part.split("=", 2);
            properties.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        return properties;
    }

    @Test
    void predictedArgumentsMatchLibvirtsExpectedArgv() throws IOException {
        var corpus = ProjectPaths.corpus();
        Assumptions.assumeTrue(corpus.isPresent(), "../shared/corpus is absent: libvirt argv comparison skipped");
        Path inputs = corpus.get().resolve("libvirt-tests");
        Path expected = corpus.get().resolve("libvirt-tests-expected");
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        try (Stream<Path> files = Files.list(expected)) {
            for (Path argsFile : files.filter(f -> f.toString().endsWith(".x86_64-latest.args")).sorted().toList()) {
                String name = argsFile.getFileName().toString().replace(".x86_64-latest.args", "");
                Path input = inputs.resolve(name + ".xml");
                if (!Files.exists(input) || INCOMING_MIGRATION.contains(name)) {
                    continue;
                }
                XmlDocument document;
                try {
                    document = new SafeXmlLoader().load(input);
                } catch (XmlLoadException e) {
                    mismatches.add(name + ": " + e.oneLine());
                    continue;
                }
                DomainDef domain = DomainBuilder.build(document);
                QemuInputs predicted = LibvirtToQemu.map(domain);
                Argv argv = Argv.parse(argsFile);
                compared++;
                compare(name, predicted, argv, mismatches);
            }
        }
        assertTrue(compared > 700, "compared only " + compared);
        assertEquals(List.of(), mismatches, mismatches.size() + " mismatches in " + compared + " argv");
    }

    private static void compare(String name, QemuInputs predicted, Argv argv, List<String> mismatches) {
        List<String> m = argv.values("-m");
        if (m.size() == 1) {
            Map<String, String> memory = properties(m.get(0));
            expect(mismatches, name, "-m size", memory.get("size"), predicted.initialRamBytes().getAsLong() / 1024 + "k");
            expect(mismatches, name, "-m slots", memory.get("slots"),
                    predicted.slots().isPresent() && memory.containsKey("maxmem")
                            ? String.valueOf(predicted.slots().getAsInt()) : null);
            expect(mismatches, name, "-m maxmem", memory.get("maxmem"),
                    predicted.maxMemBytes().isPresent() ? predicted.maxMemBytes().getAsLong() / 1024 + "k" : null);
        }
        List<String> cpu = argv.values("-cpu");
        if (cpu.size() == 1) {
            Map<String, String> cpuProperties = properties(cpu.get(0));
            String model = cpu.get(0).split(",")[0];
            if (predicted.cpuModel().isPresent()) {
                expect(mismatches, name, "-cpu model", model, predicted.cpuModel().get());
            }
            PhysBitsRequest physBits = predicted.physBits();
            expect(mismatches, name, "phys-bits", cpuProperties.get("phys-bits"),
                    physBits.physBits().isPresent() ? String.valueOf(physBits.physBits().getAsInt()) : null);
            expect(mismatches, name, "host-phys-bits", cpuProperties.get("host-phys-bits"),
                    physBits.hostPhysBits().map(on -> on ? "on" : "off").orElse(null));
            expect(mismatches, name, "host-phys-bits-limit", cpuProperties.get("host-phys-bits-limit"),
                    physBits.hostPhysBitsLimit().isPresent()
                            ? String.valueOf(physBits.hostPhysBitsLimit().getAsInt()) : null);
            expect(mismatches, name, "vendor", cpuProperties.get("vendor"), predicted.vendorOverride().orElse(null));
        }
        String hole = null;
        for (String global : argv.values("-global")) {
            if (global.contains(".pci-hole64-size=")) {
                hole = global.substring(global.indexOf('=') + 1);
            }
        }
        expect(mismatches, name, "pci-hole64-size", hole,
                predicted.pciHole64Bytes().isPresent() ? predicted.pciHole64Bytes().getAsLong() / 1024 + "K" : null);
    }

    private static void expect(List<String> mismatches, String name, String what, String libvirt, String ours) {
        if (libvirt == null ? ours != null : !libvirt.equals(ours)) {
            mismatches.add(name + ": " + what + ": libvirt " + libvirt + ", virt-lint " + ours);
        }
    }
}
