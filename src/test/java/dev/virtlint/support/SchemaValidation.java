package dev.virtlint.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;

/**
 * libvirt's schema check, {@code virt-xml-validate}, over many domain files at once. The script runs
 * {@code xmllint --noout --relaxng <schema dir>/domain.rng FILE} once per file; this runs the same command with
 * every file in one process (compiling the schema once), with the schema directory read from the installed
 * script, so it checks against the schema of the libvirt that is installed.
 */
public final class SchemaValidation {
    private static final Pattern SCHEMA_LINE = Pattern.compile("SCHEMA=\"([^\"$]+)/\\$\\{TYPE}\\.rng\"");

    /** A file's verdict and the schema errors xmllint printed for it, without the file name and line numbers. */
    public record Verdict(boolean valid, List<String> errors) {
    }

    private SchemaValidation() {
    }

    /** The domain schema {@code virt-xml-validate} uses; skips the calling test when it or xmllint is missing. */
    public static Path assumeDomainSchema() throws IOException {
        Optional<Path> script = onPath("virt-xml-validate");
        Assumptions.assumeTrue(script.isPresent(), "virt-xml-validate is not installed: schema check skipped");
        Assumptions.assumeTrue(onPath("xmllint").isPresent(), "xmllint is not installed: schema check skipped");
        Matcher schema = SCHEMA_LINE.matcher(Files.readString(script.get()));
        Assumptions.assumeTrue(schema.find(), script.get() + " names no schema directory: schema check skipped");
        Path domain = Path.of(schema.group(1), "domain.rng");
        Assumptions.assumeTrue(Files.isRegularFile(domain), domain + " does not exist: schema check skipped");
        return domain;
    }

    /** Validates every file in one xmllint run; a file that does not parse is invalid. */
    public static Map<Path, Verdict> validate(Path schema, List<Path> files) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("xmllint", "--noout", "--relaxng", schema.toString()));
        files.forEach(file -> command.add(file.toString()));
        RealStack.Result result = RealStack.run(command, 300);
        Map<String, Path> byName = new HashMap<>();
        files.forEach(file -> byName.put(file.toString(), file));
        Map<Path, List<String>> errors = new HashMap<>();
        Map<Path, Boolean> valid = new HashMap<>();
        // xmllint prints each file's errors, then "FILE validates" or "FILE fails to validate"; some error lines do
        // not name the file, and one that does not parse gets no verdict line.
        List<String> pending = new ArrayList<>();
        for (String line : result.output().split("\n")) {
            Optional<Path> verdictOf = verdictLine(line, " validates", byName)
                    .or(() -> verdictLine(line, " fails to validate", byName));
            if (verdictOf.isPresent()) {
                errors.computeIfAbsent(verdictOf.get(), file -> new ArrayList<>()).addAll(pending);
                pending.clear();
                valid.put(verdictOf.get(), line.endsWith(" validates"));
                continue;
            }
            int colon = line.indexOf(':');
            Path named = colon > 0 ? byName.get(line.substring(0, colon)) : null;
            if (named != null) {
                errors.computeIfAbsent(named, file -> new ArrayList<>()).add(withoutPosition(line, colon));
            } else if (line.contains("error :")) {
                pending.add(line.strip());
            }
        }
        Map<Path, Verdict> all = new LinkedHashMap<>();
        for (Path file : files) {
            all.put(file, new Verdict(valid.getOrDefault(file, false), List.copyOf(errors.getOrDefault(file, List.of()))));
        }
        return all;
    }

    private static Optional<Path> verdictLine(String line, String suffix, Map<String, Path> byName) {
        return line.endsWith(suffix)
                ? Optional.ofNullable(byName.get(line.substring(0, line.length() - suffix.length())))
                : Optional.empty();
    }

    /** {@code FILE:12: element memory: ...} becomes {@code element memory: ...}: lines move when a fix edits. */
    private static String withoutPosition(String line, int colon) {
        return line.substring(colon + 1).replaceFirst("^\\d+:\\s*", "").strip();
    }

    private static Optional<Path> onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
