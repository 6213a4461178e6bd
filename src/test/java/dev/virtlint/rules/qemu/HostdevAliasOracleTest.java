package dev.virtlint.rules.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.virtlint.domain.DomainBuilder;
import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.Hostdev;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * The alias VL404 predicts for each PCI hostdev is the id libvirt gives its {@code vfio-pci} device, in every
 * command line libvirt 11.3's own test suite expects ({@code ../shared/corpus/libvirt-tests-expected/}). The
 * real libvirt cannot show it here: it refuses PCI hostdevs on a host without VFIO.
 */
@Tag("oracle")
class HostdevAliasOracleTest {
    private static final Pattern VFIO_DEVICE = Pattern.compile("\"driver\":\"vfio-pci\",\"host\":\"([0-9a-f:.]+)\",\"id\":\"([^\"]+)\"");

    @Test
    void predictedAliasesAreLibvirtsDeviceIds() throws Exception {
        Path corpus = ProjectPaths.corpus().orElse(null);
        Assumptions.assumeTrue(corpus != null, "../shared/corpus is absent (a user's clone): alias oracle skipped");
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        try (Stream<Path> inputs = Files.list(corpus.resolve("libvirt-tests"))) {
            for (Path input : inputs.filter(p -> p.toString().endsWith(".xml")).sorted().toList()) {
                String name = input.getFileName().toString().replaceFirst("\\.xml$", "");
                Path args = corpus.resolve("libvirt-tests-expected").resolve(name + ".x86_64-latest.args");
                if (!Files.exists(args)) {
                    continue;
                }
                Map<String, String> idByHost = new HashMap<>();
                Matcher matcher = VFIO_DEVICE.matcher(Files.readString(args));
                while (matcher.find()) {
                    idByHost.put(matcher.group(1), matcher.group(2));
                }
                if (idByHost.isEmpty()) {
                    continue;
                }
                DomainDef domain = DomainBuilder.build(new SafeXmlLoader().load(input));
                for (Hostdev hostdev : domain.pciHostdevs()) {
                    String host = hostdev.source().map(s -> s.bdf()).orElse("");
                    if (!idByHost.containsKey(host)) {
                        continue;
                    }
                    compared++;
                    String predicted = DeviceAliases.effectiveAlias(domain, hostdev);
                    if (!predicted.equals(idByHost.get(host))) {
                        mismatches.add(name + ": " + host + " predicted " + predicted + ", libvirt " + idByHost.get(host));
                    }
                }
            }
        }
        assertTrue(compared >= 10, "too few hostdevs compared: " + compared);
        assertEquals(List.of(), mismatches);
    }
}
