package dev.virtlint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.support.CliRun;
import picocli.CommandLine;

/** The CLI adds its subcommands only when the arguments may need them; nothing a user types may notice. */
class SubcommandRegistrationTest {
    @TempDir
    Path dir;

    @Test
    void theLazyListIsTheTreeTheGeneratorsDocument() {
        Map<String, Class<?>> tree = new LinkedHashMap<>();
        new CommandLine(new VirtLintCommandTree()).getSubcommands()
                .forEach((name, sub) -> tree.put(name, sub.getCommandSpec().userObject().getClass()));
        assertEquals(tree, Main.SUBCOMMANDS);
    }

    @Test
    void argumentsThatMayNameASubcommandOrAskForHelp() {
        for (String[] args : new String[][] {{"rules"}, {"--select", "VL1", "map", "x.xml"}, {"--help"}, {"-h"},
            {"-qh"}, {"@more-arguments"}, {"explain", "VL501"}}) {
            assertTrue(Main.mayNeedSubcommands(args), String.join(" ", args));
        }
        for (String[] args : new String[][] {{}, {"win11.xml"}, {"-q", "--fix", "domains/"}, {"--format", "json", "-"},
            {"--host-root", "/", "maps.xml"}}) {
            assertFalse(Main.mayNeedSubcommands(args), String.join(" ", args));
        }
    }

    @Test
    void helpStillListsEverySubcommand() {
        for (String help : new String[] {"--help", "-h", "-qh"}) {
            CliRun run = CliRun.run(help);
            assertEquals(0, run.exitCode(), run.err());
            for (String name : Main.SUBCOMMANDS.keySet()) {
                assertTrue(run.out().contains("\n  " + name + " "), help + " lists " + name + ":\n" + run.out());
            }
        }
    }

    @Test
    void aSubcommandNameAfterOptionsIsStillTheSubcommand() {
        CliRun run = CliRun.run("--color=never", "rules");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("VL501"), run.out());
    }

    @Test
    void anAtFileCanNameASubcommand() throws IOException {
        Path arguments = Files.writeString(dir.resolve("arguments"), "explain\nVL501\n");
        CliRun run = CliRun.run("@" + arguments);
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("qemu-namespace-undeclared"), run.out());
    }
}
