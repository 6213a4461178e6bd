package dev.virtlint.rules.qemu;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.virtlint.data.GeneratedTable;
import dev.virtlint.platform.Version;

/**
 * The command-line options of {@code qemu-system-x86_64}: which exist, which take a value, which read a value
 * starting with '{' as JSON, and which belong to other targets. Generated from the installed QEMU by
 * {@code scripts/qemu-options.py}; an oracle test keeps it in step with the binary.
 */
public final class QemuOptionTable {
    /** @param forX86 false for options QEMU knows but refuses on x86 ("Option not supported for this target") */
    public record Option(String name, boolean takesValue, boolean json, boolean forX86) {
    }

    private static final Pattern VERSION_LINE = Pattern.compile("^# QEMU emulator version (\\d+\\.\\d+)(?:\\.\\d+)?.*");

    private static final Table TABLE = load();

    private record Table(Version version, Map<String, Option> options) {
    }

    private QemuOptionTable() {
    }

    private static Table load() {
        GeneratedTable table = GeneratedTable.load(QemuOptionTable.class, "qemu-options.tsv");
        Version version = table.comments().stream()
                .map(VERSION_LINE::matcher)
                .filter(Matcher::matches)
                .map(header -> Version.parse(header.group(1)))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "qemu-options.tsv does not say which QEMU it was generated from"));
        Map<String, Option> options = new LinkedHashMap<>();
        for (String[] row : table.rows()) {
            options.put(row[0], new Option(row[0], row[1].equals("value"), row[2].equals("json"),
                    row[3].equals("x86")));
        }
        return new Table(version, Collections.unmodifiableMap(options));
    }

    /** The QEMU series the table was generated from (10.0). */
    public static Version qemuVersion() {
        return TABLE.version();
    }

    /** By name without dashes ({@code device}); QEMU accepts one or two leading dashes for every option. */
    public static Optional<Option> find(String name) {
        return Optional.ofNullable(TABLE.options().get(name));
    }

    public static List<Option> all() {
        return List.copyOf(TABLE.options().values());
    }
}
