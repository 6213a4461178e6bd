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
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.virtlint.support.CapturedHosts;
import dev.virtlint.support.CliRun;
import dev.virtlint.support.ConvertibleHere;
import dev.virtlint.support.LibvirtArgv;
import dev.virtlint.support.LiveHost;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.support.RealStack;

/**
 * What {@code virt-lint --fix} writes, libvirt still converts: the README's example and every real-world domain,
 * fixed without host facts and against each captured host, with and without {@code --unsafe-fixes}, go through
 * {@code virsh domxml-to-native qemu-argv} beside their originals, both prepared alike for this machine
 * ({@link ConvertibleHere}). Many originals are refused here for reasons of their own (a QEMU device this build
 * lacks, a chardev without its graphics); a fixed file fails the test only where libvirt accepted the original, or
 * refused it for another reason. libvirt refuses an emulated {@code maxphysaddr} wider than this machine's CPU, so
 * a fix written for a captured host with more bits is expected to meet that refusal here (VL105 reports it).
 * {@code mvn test} sweeps the safe fixes without host facts and against the README's host (about 15 s);
 * {@code -Dvirtlint.oracle.full=true} every captured host, and the unsafe fixes too (about 60 s).
 */
@Tag("oracle")
class FixedFilesConvertTest {
    private static final String NO_HOST = "no host facts";
    /** The captured host the README fixes its example against. */
    private static final String README_HOST = "amd-epyc-2gpu";
    /** libvirt's verdict on each prepared original, shared by every configuration. */
    private static final Map<Path, RealStack.Result> ORIGINALS = new ConcurrentHashMap<>();

    static Stream<Arguments> configurations() throws IOException {
        if (!Boolean.getBoolean("virtlint.oracle.full")) {
            return Stream.of(Arguments.of(NO_HOST, false), Arguments.of(README_HOST, false));
        }
        List<Arguments> configurations = new ArrayList<>();
        for (String host : Stream.concat(Stream.of(NO_HOST), CapturedHosts.names().stream()).toList()) {
            configurations.add(Arguments.of(host, false));
            configurations.add(Arguments.of(host, true));
        }
        return configurations.stream();
    }

    @ParameterizedTest(name = "{0}, unsafe fixes {1}")
    @MethodSource("configurations")
    void fixedFilesConvertWhereTheOriginalsDid(String host, boolean unsafe, @TempDir Path work) throws Exception {
        RealStack.assumeLibvirt();
        int hostBits = LiveHost.physBits();
        Map<String, Path> inputs = new LinkedHashMap<>();
        inputs.put("example-win11.xml", ProjectPaths.testdata().resolve("example-win11.xml"));
        Path realWorld = ProjectPaths.corpus().map(corpus -> corpus.resolve("real-world")).orElse(null);
        if (realWorld != null && Files.isDirectory(realWorld)) {
            try (Stream<Path> files = Files.list(realWorld)) {
                files.filter(file -> file.toString().endsWith(".xml")).sorted()
                        .forEach(file -> inputs.put(file.getFileName().toString(), file));
            }
        } else {
            System.out.println("../shared/corpus/real-world is absent (a user's clone): only the example is converted");
        }

        Path fixedDir = Files.createDirectory(work.resolve("fixed"));
        for (Map.Entry<String, Path> input : inputs.entrySet()) {
            // The bytes, not the file: the corpus is read-only, and --fix leaves a read-only file alone.
            Files.write(fixedDir.resolve(input.getKey()), Files.readAllBytes(input.getValue()));
        }
        List<String> args = new ArrayList<>(List.of("--fix", unsafe ? "--unsafe-fixes" : "--no-unsafe-fixes"));
        if (!host.equals(NO_HOST)) {
            args.addAll(List.of("--host-root", CapturedHosts.path(host).toString()));
        }
        args.add(fixedDir.toString());
        CliRun.run(args.toArray(String[]::new));

        List<String> newRefusals = new ArrayList<>();
        int changed = 0;
        int comparable = 0;
        for (Map.Entry<String, Path> input : inputs.entrySet()) {
            Path fixed = fixedDir.resolve(input.getKey());
            if (Files.mismatch(input.getValue(), fixed) == -1) {
                continue;
            }
            changed++;
            RealStack.Result before = ORIGINALS.computeIfAbsent(input.getValue(), original -> convert(original, work));
            String fixedText = ConvertibleHere.prepare(Files.readString(fixed));
            RealStack.Result after = convert(fixedText, work);
            if (before.exitCode() == 0) {
                comparable++;
            }
            if (after.exitCode() == 0 || after.output().equals(before.output())) {
                continue;
            }
            if (LiveHost.widerThanHost(fixedText, hostBits) && after.output().contains(LiveHost.WIDER_THAN_HOST_REFUSAL)) {
                continue;
            }
            newRefusals.add(input.getKey() + ": " + after.output().strip() + (before.exitCode() == 0
                    ? " (the original converts)" : " (the original was refused with: " + before.output().strip() + ")"));
        }
        System.out.printf("%s, unsafe fixes %s: %d of %d files changed by the fix, %d of them convertible here"
                + " before the fix%n", host, unsafe, changed, inputs.size(), comparable);
        assertTrue(changed > 0, "no file was fixed, so this test proves nothing");
        assertEquals(List.of(), newRefusals, "fixed files libvirt refuses where it converted the original, or refuses"
                + " for another reason (" + changed + " of " + inputs.size() + " files changed by the fix)");
    }

    private static RealStack.Result convert(Path original, Path work) {
        try {
            return convert(ConvertibleHere.prepare(Files.readString(original)), work);
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("converting " + original, e);
        }
    }

    /** libvirt's answer, with the temporary file's name taken out so that two answers can be compared. */
    private static RealStack.Result convert(String prepared, Path work) throws IOException, InterruptedException {
        Path file = Files.createTempFile(work, "convert-", ".xml");
        Files.writeString(file, prepared);
        RealStack.Result result = LibvirtArgv.nativeArgv(file);
        return new RealStack.Result(result.exitCode(), result.output().replace(file.toString(), "DOMAIN.xml"));
    }
}
