import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds the start-up archive that {@code bin/virt-lint} and the libvirt hook map instead of loading classes from the
 * jar, for the JDK that runs this script, beside the jar:
 *
 * <ul>
 * <li>JDK 25 and newer: an ahead-of-time cache, {@code virt-lint.aot} (JEP 483, one-step creation by JEP 514). It also
 * holds the classes linked and the method profiles of the training run, so it starts faster than a class list could.
 * JDK 25 builds it from one process, so the training run is the one that loads the most: a lint with this machine's
 * host facts ({@code --host-root /}) of the example and the rule fixtures.</li>
 * <li>Older JDKs: a static class-data-sharing archive, {@code virt-lint.jsa}, dumped from the union of the classes
 * three training runs load: a lint without host facts (the rule fixtures), a lint with {@code --host-root /}, and the
 * libvirt hook ({@code hook run} at {@code prepare begin}, with a configuration and the XML on standard input).
 * Without the second and third, those paths loaded several hundred classes from the jar at every start.</li>
 * </ul>
 *
 * Either archive belongs to the JDK build that made it (the JVM checks and ignores a foreign one), but JDK 17 refuses
 * the AOT cache's options outright, so the real path of the JDK is written to {@code virt-lint.aot.java-home}: the
 * launcher passes the cache only to that JDK.
 *
 * Usage (pom.xml runs it after shading; bench/run.py on copies of the jar, one per JDK):
 * java scripts/BuildStartupArchive.java JAR PROJECT_DIR [aot|cds]
 * The third argument forces the kind (cds is the only kind before JDK 25).
 */
public final class BuildStartupArchive {
    /** The options bin/virt-lint starts the CLI with; an archive is trained under the same ones. */
    private static final List<String> LAUNCHER_OPTIONS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:-UsePerfData");
    /** A class list line of JDK 18 and later ends in an id; JDK 17's carry none, and a union needs none. */
    private static final Pattern CLASS_LIST_ID = Pattern.compile(" id: \\d+$");

    private BuildStartupArchive() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path jar = Path.of(args[0]).toAbsolutePath();
        Path project = Path.of(args[1]);
        boolean aotAvailable = Runtime.version().feature() >= 25;
        String kind = args.length > 2 ? args[2] : aotAvailable ? "aot" : "cds";
        if (kind.equals("aot") && !aotAvailable) {
            throw new IllegalArgumentException("an AOT cache needs JDK 25 or newer, not " + Runtime.version());
        }
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Files.deleteIfExists(jar.resolveSibling("virt-lint.aot"));
        Files.deleteIfExists(jar.resolveSibling("virt-lint.aot.java-home"));
        Files.deleteIfExists(jar.resolveSibling("virt-lint.jsa"));
        Path work = Files.createTempDirectory(jar.getParent(), "startup-training");
        try {
            Path example = project.resolve("testdata/example-win11.xml");
            Path rules = project.resolve("testdata/rules");
            if (kind.equals("aot")) {
                buildAotCache(java, jar, example, rules, work);
            } else {
                buildClassDataSharingArchive(java, jar, example, rules, work);
            }
            checkTheLauncherUsesIt(jar, example, work);
        } finally {
            try (var files = Files.list(work)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(work);
        }
    }

    private static void buildAotCache(Path java, Path jar, Path example, Path rules, Path work)
            throws IOException, InterruptedException {
        Path cache = jar.resolveSibling("virt-lint.aot");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-XX:AOTCacheOutput=" + cache));
        command.addAll(LAUNCHER_OPTIONS);
        command.addAll(List.of("-jar", jar.toString(), "--host-root", "/", example.toString(), rules.toString()));
        run(command, example, work.resolve("aot-training.log"));
        if (!Files.isRegularFile(cache)) {
            throw new IllegalStateException("the JVM wrote no AOT cache; see " + work.resolve("aot-training.log"));
        }
        Files.writeString(jar.resolveSibling("virt-lint.aot.java-home"),
                Path.of(System.getProperty("java.home")).toRealPath() + "\n");
        System.out.println("AOT cache " + cache + " (" + Files.size(cache) / (1024 * 1024) + " MiB) for "
                + Runtime.version());
    }

    private static void buildClassDataSharingArchive(Path java, Path jar, Path example, Path rules, Path work)
            throws IOException, InterruptedException {
        Path hookConfig = Files.writeString(work.resolve("hook.yaml"),
                "block-on: error\nskip-domains: [none]\non-internal-error: fail-open\ntimeout: 30s\n");
        List<List<String>> runs = List.of(
                List.of("--accel", "tcg", rules.toString()),
                List.of("--host-root", "/", example.toString(), rules.toString()),
                List.of("hook", "run", "--config", hookConfig.toString(), "win11", "prepare", "begin", "-"));
        Set<String> union = new LinkedHashSet<>();
        for (int i = 0; i < runs.size(); i++) {
            Path list = work.resolve("run" + i + ".classlist");
            List<String> command = new ArrayList<>(List.of(java.toString(), "-XX:DumpLoadedClassList=" + list));
            command.addAll(LAUNCHER_OPTIONS);
            command.addAll(List.of("-jar", jar.toString()));
            command.addAll(runs.get(i));
            run(command, example, work.resolve("run" + i + ".log"));
            for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
                union.add(CLASS_LIST_ID.matcher(line).replaceFirst(""));
            }
        }
        Path classList = Files.write(work.resolve("virt-lint.classlist"), union, StandardCharsets.UTF_8);
        Path archive = jar.resolveSibling("virt-lint.jsa");
        // The dump warns about the runs' dynamic proxies, which no archive can hold: its log stays out of the build's.
        run(List.of(java.toString(), "-Xshare:dump", "-XX:SharedClassListFile=" + classList,
                "-XX:SharedArchiveFile=" + archive, "-XX:+UseSerialGC", "-cp", jar.toString()), example,
                work.resolve("dump.log"));
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("the JVM dumped no archive:\n" + Files.readString(work.resolve("dump.log")));
        }
        System.out.println("class-data-sharing archive " + archive + " from " + union.size()
                + " class list lines of " + runs.size() + " training runs, for " + Runtime.version());
    }

    /**
     * Runs bin/virt-lint beside the jar's directory (as a user does, with this JDK) on the example and counts the
     * virt-lint classes the JVM mapped from the archive: none means the launcher no longer passes it, or passes it
     * in a way the JVM rejects, and the build fails rather than ship a start-up twice as slow. Skipped when the jar
     * is not where the launcher looks ({@code -DbuildDir}).
     */
    private static void checkTheLauncherUsesIt(Path jar, Path example, Path work)
            throws IOException, InterruptedException {
        Path launcher = jar.getParent().resolveSibling("bin").resolve("virt-lint");
        if (!jar.getParent().getFileName().toString().equals("target") || !Files.isExecutable(launcher)) {
            System.out.println("launcher not beside " + jar + ": not checked");
            return;
        }
        Path classLog = work.resolve("class-load.log");
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "-q", "--fail-on", "never",
                example.toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + classLog);
        Path output = work.resolve("launcher.log");
        int status = builder.redirectErrorStream(true).redirectOutput(output.toFile()).start().waitFor();
        if (status != 0) {
            throw new IllegalStateException(launcher + " exited " + status + ":\n" + Files.readString(output));
        }
        List<String> ours = Files.readAllLines(classLog, StandardCharsets.UTF_8).stream()
                .filter(line -> line.contains(" dev.virtlint.")).toList();
        long mapped = ours.stream().filter(line -> line.endsWith("source: shared objects file")).count();
        if (mapped == 0) {
            throw new IllegalStateException(launcher + " loaded none of its " + ours.size()
                    + " classes from the start-up archive");
        }
        System.out.println(launcher + " mapped " + mapped + " of the " + ours.size()
                + " virt-lint classes a lint of the example loads from the archive");
    }

    /** Findings exit 1; only a usage or internal error (2) or a crash means the run did not go the whole way. */
    private static void run(List<String> command, Path stdin, Path log) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectInput(stdin.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(false)
                .redirectError(log.toFile()).start();
        int status = process.waitFor();
        if (status > 1) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + status + ":\n"
                    + Files.readString(log));
        }
    }
}
