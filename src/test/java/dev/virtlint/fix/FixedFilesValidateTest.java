package dev.virtlint.fix;

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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.virtlint.support.CapturedHosts;
import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.support.SchemaValidation;

/**
 * What {@code virt-lint --fix} writes, libvirt's schema accepts: every rule fixture, the README's example and every
 * real-world domain, fixed with and without {@code --unsafe-fixes}, without host facts and against each captured
 * host (whose stack the CLI detects, as a user's run would), then checked the way {@code virt-xml-validate} checks
 * them. A file the schema rejected before may still be rejected after, but only for the errors it came with.
 */
class FixedFilesValidateTest {
    private static final String NO_HOST = "no host facts";

    static Stream<Arguments> configurations() throws IOException {
        List<Arguments> configurations = new ArrayList<>();
        for (String host : Stream.concat(Stream.of(NO_HOST), CapturedHosts.names().stream()).toList()) {
            configurations.add(Arguments.of(host, false));
            configurations.add(Arguments.of(host, true));
        }
        return configurations.stream();
    }

    @ParameterizedTest(name = "{0}, unsafe fixes {1}")
    @MethodSource("configurations")
    void fixedFixturesPassTheSchema(String host, boolean unsafe, @TempDir Path work) throws Exception {
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("example-win11.xml", ProjectPaths.testdata().resolve("example-win11.xml"));
        try (Stream<Path> files = Files.walk(ProjectPaths.testdata().resolve("rules"))) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".xml") && !name.endsWith(".fixed.xml")) {
                    inputs.put(file.getParent().getFileName() + "__" + name, file);
                }
            }
        }
        assertFixedFilesValidate(inputs, host, unsafe, work);
    }

    @ParameterizedTest(name = "{0}, unsafe fixes {1}")
    @MethodSource("configurations")
    void fixedRealWorldDomainsPassTheSchema(String host, boolean unsafe, @TempDir Path work) throws Exception {
        Path realWorld = ProjectPaths.corpus().map(corpus -> corpus.resolve("real-world")).orElse(null);
        Assumptions.assumeTrue(realWorld != null && Files.isDirectory(realWorld),
                "../shared/corpus/real-world is absent (a user's clone): fixed real-world domains not validated");
        Map<String, Path> inputs = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(realWorld)) {
            files.filter(file -> file.toString().endsWith(".xml")).sorted()
                    .forEach(file -> inputs.put(file.getFileName().toString(), file));
        }
        assertFixedFilesValidate(inputs, host, unsafe, work);
    }

    private static void assertFixedFilesValidate(Map<String, Path> inputs, String host, boolean unsafe, Path work)
            throws Exception {
        Path schema = SchemaValidation.assumeDomainSchema();
        Path fixedDir = Files.createDirectory(work.resolve("fixed"));
        List<Path> originals = new ArrayList<>();
        List<Path> fixed = new ArrayList<>();
        for (Map.Entry<String, Path> input : inputs.entrySet()) {
            originals.add(input.getValue());
            // The bytes, not the file: the corpus is read-only, and --fix leaves a read-only file alone.
            fixed.add(Files.write(fixedDir.resolve(input.getKey()), Files.readAllBytes(input.getValue())));
        }
        List<String> args = new ArrayList<>(List.of("--fix", unsafe ? "--unsafe-fixes" : "--no-unsafe-fixes"));
        if (!host.equals(NO_HOST)) {
            args.addAll(List.of("--host-root", CapturedHosts.path(host).toString()));
        }
        args.add(fixedDir.toString());
        CliRun.run(args.toArray(String[]::new));

        List<Path> both = new ArrayList<>(originals);
        both.addAll(fixed);
        Map<Path, SchemaValidation.Verdict> verdicts = SchemaValidation.validate(schema, both);
        List<String> problems = new ArrayList<>();
        int changed = 0;
        for (int i = 0; i < originals.size(); i++) {
            SchemaValidation.Verdict before = verdicts.get(originals.get(i));
            SchemaValidation.Verdict after = verdicts.get(fixed.get(i));
            if (Files.mismatch(originals.get(i), fixed.get(i)) != -1) {
                changed++;
            }
            List<String> introduced = new ArrayList<>(after.errors());
            introduced.removeAll(before.errors());
            if (!after.valid() && (before.valid() || !introduced.isEmpty())) {
                problems.add(fixed.get(i).getFileName() + ": " + String.join(" | ", after.errors()));
            }
        }
        assertTrue(changed > 0, "no file was fixed, so this test proves nothing");
        assertEquals(List.of(), problems, "fixed files libvirt's schema rejects (" + changed + " of " + inputs.size()
                + " files changed by the fix)");
    }
}
