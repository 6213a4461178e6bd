package dev.virtlint.rules.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.platform.Version;
import dev.virtlint.support.RealStack;

/**
 * The tables VL503 checks against say what the installed {@code qemu-system-x86_64} says. Options: every option
 * of its {@code -help} is in the table, and for every entry the binary agrees on whether it exists, takes a
 * value, reads JSON and belongs to x86; the probes make QEMU stop while parsing its command line (as
 * {@code scripts/qemu-options.py} describes), so no guest starts. Devices: the table lists what
 * {@code -device help} lists, with the same buses.
 */
@Tag("oracle")
class QemuOptionTableOracleTest {
    private static final String QEMU = "qemu-system-x86_64";
    private static final String MISSING_CONFIG = "/nonexistent/virt-lint-probe.cfg";
    private static final String SENTINEL = "-virt-lint-probe-sentinel";

    /** Options such as -D and -jitdump create files while they are parsed: they land here. */
    @TempDir
    Path scratch;

    @Test
    void tableMatchesTheInstalledQemu() throws Exception {
        RealStack.assumeQemu();
        String versionLine = run(List.of("--version")).lines().findFirst().orElse("");
        Version installed = Version.parse(versionLine.replaceFirst("^QEMU emulator version (\\d+\\.\\d+)(\\.\\d+)?.*", "$1"));
        Assumptions.assumeTrue(installed.equals(QemuOptionTable.qemuVersion()),
                "installed QEMU is " + versionLine + ", the table is for " + QemuOptionTable.qemuVersion()
                        + ": regenerate it with scripts/qemu-options.py");

        List<String> mismatches = new ArrayList<>();
        Set<String> tableNames = new LinkedHashSet<>();
        QemuOptionTable.all().forEach(option -> tableNames.add(option.name()));
        for (String listed : helpOptionNames(run(List.of("-help")))) {
            if (!tableNames.contains(listed)) {
                mismatches.add("-" + listed + " is in -help but not in the table");
            }
        }
        for (QemuOptionTable.Option option : QemuOptionTable.all()) {
            String name = option.name();
            String parsed = run(List.of("-readconfig", MISSING_CONFIG, "-" + name, SENTINEL));
            if (parsed.contains("-" + name + ": invalid option")) {
                mismatches.add("-" + name + " does not exist");
                continue;
            }
            boolean takesValue = parsed.contains(MISSING_CONFIG);
            if (takesValue != option.takesValue()) {
                mismatches.add("-" + name + (takesValue ? " takes a value" : " takes no value") + ": " + parsed.strip());
            }
            if (takesValue) {
                boolean json = run(List.of("-" + name, "{", "-readconfig", MISSING_CONFIG)).contains("JSON parse error");
                if (json != option.json()) {
                    mismatches.add("-" + name + (json ? " reads JSON" : " does not read JSON"));
                }
            }
            List<String> probe = new ArrayList<>(List.of("-" + name));
            if (takesValue) {
                probe.add("x");
            }
            probe.addAll(List.of("-readconfig", MISSING_CONFIG));
            boolean forX86 = !run(probe).contains("Option not supported for this target");
            if (forX86 != option.forX86()) {
                mismatches.add("-" + name + (forX86 ? " is" : " is not") + " an x86 option");
            }
        }
        assertEquals(List.of(), mismatches, "the table differs from " + versionLine
                + "; regenerate it with scripts/qemu-options.py");
    }

    @Test
    void deviceTableMatchesTheInstalledQemu() throws Exception {
        RealStack.assumeQemu();
        String versionLine = run(List.of("--version")).lines().findFirst().orElse("");
        String expectedHeader = "# " + versionLine + ":";
        List<String> table;
        try (var in = QemuDeviceTable.class.getResourceAsStream("qemu-devices.tsv")) {
            table = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        Assumptions.assumeTrue(table.get(0).startsWith(expectedHeader), "installed QEMU is " + versionLine
                + ", the device table is for another: regenerate it with scripts/qemu-devices.py");
        Pattern line = Pattern.compile("^name \"([^\"]+)\"(?:, bus ([^,]+))?(?:, alias \"([^\"]+)\")?");
        List<String> listed = new ArrayList<>();
        for (String help : run(List.of("-device", "help")).split("\n")) {
            Matcher matcher = line.matcher(help);
            if (matcher.find()) {
                listed.add(matcher.group(1) + "\t" + (matcher.group(2) == null ? "-" : matcher.group(2)) + "\t"
                        + (matcher.group(3) == null ? "-" : matcher.group(3)));
            }
        }
        assertEquals(listed, table.subList(1, table.size()), "regenerate the device table with scripts/qemu-devices.py");
    }

    /** The first word of each option line of -help, with "-h or -help" and "-fda/-fdb" split up. */
    private static List<String> helpOptionNames(String help) {
        Set<String> names = new LinkedHashSet<>();
        for (String line : help.split("\n")) {
            if (!line.startsWith("-")) {
                continue;
            }
            String[] words = line.split("\\s+");
            List<String> spellings = new ArrayList<>(List.of(words[0]));
            if (words.length > 2 && words[1].equals("or")) {
                spellings.add(words[2]);
            }
            for (String spelling : spellings) {
                for (String name : spelling.split("/")) {
                    String bare = name.replaceFirst("^-+", "");
                    if (!bare.isEmpty()) {
                        names.add(bare);
                    }
                }
            }
        }
        return List.copyOf(names);
    }

    private String run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(QEMU));
        command.addAll(args);
        Process process = new ProcessBuilder(command).directory(scratch.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        return new String(output, StandardCharsets.UTF_8);
    }
}
