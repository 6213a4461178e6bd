package dev.virtlint.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;

import dev.virtlint.firmware.OvmfRelease;
import dev.virtlint.platform.Version;

/**
 * The QEMU and OVMF builds the oracle tests run on: the installed ones (QEMU 10.0 from bookworm-backports, OVMF
 * 2022.11 from bookworm) and the ones {@code .ci/fetch-stacks} unpacks into the stack cache (QEMU 7.2 from bookworm,
 * OVMF 2025.02 from trixie, OVMF 2026.08 from sid, OVMF 2022.02 from Ubuntu 22.04 and 2024.02 from Ubuntu 24.04). Each
 * lookup skips the calling test with a message when that build is absent, as it is in a user's clone, or when the
 * cache holds another build than the one expected.
 */
public final class OracleStacks {
    public static final Version QEMU_10_0 = Version.of(10, 0);
    public static final Version QEMU_7_2 = Version.of(7, 2);
    /** The OVMF release /usr/share/OVMF holds where the stack is installed (Debian bookworm's ovmf). */
    private static final String INSTALLED_OVMF = "2022.11";
    public static final Path INSTALLED_OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
    public static final Path INSTALLED_OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");

    private static final String PROGRAM = "qemu-system-x86_64";
    private static final String FETCH_HINT = ": run .ci/fetch-stacks (no root needed)";
    /**
     * The package version of each cached OVMF build, as {@code .ci/fetch-stacks} records it: the package that holds
     * the firmware files (from 2025.11 Debian's {@code ovmf} is a metapackage and {@code ovmf-generic} holds them).
     * Ubuntu's packages put OVMF_CODE_4M.fd and OVMF_VARS_4M.fd in /usr/share/OVMF as Debian's do.
     */
    private static final Map<String, String> CACHED_OVMF = Map.of(
            "2022.02", "ovmf 2022.02-3ubuntu0.22.04.7",
            "2024.02", "ovmf 2024.02-2ubuntu0.10",
            "2025.02", "ovmf 2025.02-8+deb13u1",
            "2026.08", "ovmf-generic 2026.08+ds-2");
    private static final Pattern VERSION = Pattern.compile("QEMU emulator version (\\d+\\.\\d+(?:\\.\\d+)?)");

    private OracleStacks() {
    }

    /**
     * A QEMU binary and how to run it.
     *
     * @param program     what to execute; QEMU starts its error lines with it ({@code PROGRAM: message})
     * @param dataOptions {@code -L} options naming the data directories that belong to this binary
     * @param environment what the process needs besides the caller's environment (its module directory)
     */
    public record Qemu(Version version, String program, List<String> dataOptions, Map<String, String> environment) {

        /** {@code arguments} after the program and its data directories. */
        public List<String> commandLine(List<String> arguments) {
            List<String> line = new ArrayList<>();
            line.add(program);
            line.addAll(dataOptions);
            line.addAll(arguments);
            return line;
        }

        public ProcessBuilder processBuilder(List<String> arguments) {
            ProcessBuilder builder = new ProcessBuilder(commandLine(arguments));
            builder.environment().putAll(environment);
            return builder;
        }

        @Override
        public String toString() {
            return "QEMU " + version;
        }
    }

    /** An OVMF build: its code and variable-store templates, 4 MiB flash layout. */
    public record Ovmf(OvmfRelease release, Path code, Path vars) {
        @Override
        public String toString() {
            return "OVMF " + release;
        }
    }

    /**
     * Where {@code .ci/fetch-stacks} unpacks the other stacks: {@code -Dvirtlint.stacks}, {@code $VIRTLINT_STACKS},
     * {@code $XDG_CACHE_HOME/virt-lint/stacks}, else {@code ~/.cache/virt-lint/stacks}; the script uses the same order.
     */
    public static Path cache() {
        String configured = System.getProperty("virtlint.stacks", System.getenv("VIRTLINT_STACKS"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("virt-lint").resolve("stacks");
    }

    /** The QEMU series given, installed or cached; skips the test when neither has it. */
    public static Qemu assumeQemu(Version series) {
        Optional<Qemu> installed = RealStack.onPath(PROGRAM) ? probe(PROGRAM, List.of(), Map.of()) : Optional.empty();
        if (installed.isPresent() && installed.get().version().series().equals(series)) {
            return installed.get();
        }
        Path root = cache().resolve("qemu-" + series).resolve("root");
        Path binary = root.resolve("usr/bin").resolve(PROGRAM);
        Assumptions.assumeTrue(Files.isExecutable(binary), "QEMU " + series + " is neither installed nor in "
                + cache() + FETCH_HINT);
        // Without its own module directory the binary loads the installed QEMU's modules and stops; without -L it
        // reads the installed QEMU's data files and finds no SeaBIOS.
        Optional<Qemu> cached = probe(binary.toString(),
                List.of("-L", root.resolve("usr/share/qemu").toString(),
                        "-L", root.resolve("usr/share/seabios").toString()),
                Map.of("QEMU_MODULE_DIR", root.resolve("usr/lib/x86_64-linux-gnu/qemu").toString()));
        Assumptions.assumeTrue(cached.isPresent() && cached.get().version().series().equals(series),
                binary + " does not run as QEMU " + series + FETCH_HINT);
        return cached.get();
    }

    /**
     * The OVMF build of the release given: bookworm's 2022.11 in /usr/share/OVMF, others from the cache. Its
     * {@link Ovmf#release()} comes from the package version, so that a distribution's backports are part of it.
     */
    public static Ovmf assumeOvmf(String release) throws IOException, InterruptedException {
        boolean installed = release.equals(INSTALLED_OVMF);
        Path cached = cache().resolve("ovmf-" + release);
        Path directory = installed ? INSTALLED_OVMF_CODE.getParent() : cached.resolve("root/usr/share/OVMF");
        Path code = directory.resolve(INSTALLED_OVMF_CODE.getFileName());
        Path vars = directory.resolve(INSTALLED_OVMF_VARS.getFileName());
        Assumptions.assumeTrue(Files.isReadable(code) && Files.isReadable(vars),
                directory + " has no OVMF_CODE_4M.fd / OVMF_VARS_4M.fd: OVMF " + release + " oracle skipped"
                        + (installed ? " (Debian package ovmf)" : FETCH_HINT));
        String packageVersion;
        if (installed) {
            packageVersion = RealStack.run(List.of("dpkg-query", "-W", "-f=${Version}", "ovmf"), 30).output().strip();
        } else {
            String expected = CACHED_OVMF.getOrDefault(release, "ovmf " + release);
            List<String> packages = Files.readString(cached.resolve("packages")).lines().toList();
            // Results are recorded per build: another revision of the release is not the build they are about.
            Assumptions.assumeTrue(packages.contains(expected), cached + " holds " + packages + ", not " + expected
                    + ": OVMF " + release + " oracle skipped (remove that directory and run .ci/fetch-stacks)");
            packageVersion = expected.substring(expected.indexOf(' ') + 1);
        }
        OvmfRelease build = OvmfRelease.parse(packageVersion)
                .filter(parsed -> parsed.toString().startsWith(release))
                .orElseGet(() -> OvmfRelease.parse(release).orElseThrow());
        return new Ovmf(build, code, vars);
    }

    /** The binary with its version from {@code --version}; empty when it does not run. */
    private static Optional<Qemu> probe(String program, List<String> dataOptions, Map<String, String> environment) {
        try {
            ProcessBuilder builder = new ProcessBuilder(program, "--version").redirectErrorStream(true);
            builder.environment().putAll(environment);
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return Optional.empty();
            }
            Matcher matcher = VERSION.matcher(output);
            if (!matcher.find()) {
                return Optional.empty();
            }
            return Version.tryParse(matcher.group(1))
                    .map(version -> new Qemu(version, program, dataOptions, environment));
        } catch (IOException notRunnable) {
            return Optional.empty();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
