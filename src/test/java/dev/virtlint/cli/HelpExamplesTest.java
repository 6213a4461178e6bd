package dev.virtlint.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.support.RealStack;
import picocli.CommandLine;

/**
 * Keeps every command's help honest: each example line of every help footer is run, with the file and
 * directory names it uses replaced by fixtures, and must not end in a usage error or an internal error.
 * Examples that would touch the machine's libvirt use the test driver instead.
 */
class HelpExamplesTest {
    @TempDir
    Path dir;

    @Test
    void everyExampleInEveryHelpFooterRuns() throws IOException {
        Map<String, String> substitutions = fixtures();
        List<String> examples = new ArrayList<>();
        collect(new CommandLine(new VirtLintCommandTree()), examples);
        assertTrue(examples.size() >= 20, "examples found: " + examples);
        for (String example : examples) {
            List<String> words = RealStack.shellWords(example);
            boolean fromStandardInput = words.contains("-");
            List<String> args = new ArrayList<>();
            for (String word : words.subList(1, words.size())) {
                args.add(substitutions.getOrDefault(word, word));
            }
            if (args.get(0).equals("define") && !args.contains("--connect")) {
                args.add(1, "--connect");
                args.add(2, "test:///default");
            }
            byte[] stdin = fromStandardInput
                    ? Files.readAllBytes(ProjectPaths.testdata().resolve("example-win11.xml")) : new byte[0];
            CliRun run = CliRun.runWithInput(stdin, args.toArray(String[]::new));
            String context = example + " -> " + args + " exited " + run.exitCode() + ": " + run.err();
            assertFalse(run.err().contains("Try 'virt-lint --help'"), "usage error: " + context);
            assertFalse(run.err().contains("internal error"), context);
            assertTrue(run.exitCode() >= 0 && run.exitCode() <= 2, context);
        }
    }

    /** The footer lines that show a virt-lint command line, without their explanation; pipes keep the virt-lint side. */
    private static void collect(CommandLine command, List<String> examples) {
        for (String line : command.getCommandSpec().usageMessage().footer()) {
            String commandLine = line.strip().split("\\s{2,}")[0];
            int pipe = commandLine.indexOf("| virt-lint ");
            if (pipe >= 0) {
                commandLine = commandLine.substring(pipe + 2);
            }
            if (commandLine.startsWith("virt-lint ")) {
                examples.add(commandLine.replaceAll("\\s*\\|.*$", ""));
            }
        }
        for (CommandLine sub : command.getSubcommands().values()) {
            collect(sub, examples);
        }
    }

    private Map<String, String> fixtures() throws IOException {
        Path domains = Files.createDirectories(dir.resolve("domains"));
        Path win11 = domains.resolve("win11.xml");
        Files.copy(ProjectPaths.testdata().resolve("example-win11.xml"), win11);
        Path epyc = domains.resolve("epyc-guest.xml");
        Files.copy(ProjectPaths.testdata().resolve("rules/VL102/epyc-hotplug.xml"), epyc);
        Path config = dir.resolve("ci.virt-lint.yaml");
        Files.writeString(config, "fail-on: warning\n", StandardCharsets.UTF_8);
        Map<String, String> substitutions = new LinkedHashMap<>();
        substitutions.put("win11.xml", win11.toString());
        substitutions.put("epyc-guest.xml", epyc.toString());
        substitutions.put("domains/", domains.toString());
        substitutions.put("/etc/libvirt/qemu/", domains.toString());
        substitutions.put("ci.virt-lint.yaml", config.toString());
        substitutions.put("virt-lint.sarif", dir.resolve("virt-lint.sarif").toString());
        substitutions.put("map.svg", dir.resolve("map.svg").toString());
        substitutions.put("map.html", dir.resolve("map.html").toString());
        substitutions.put("hv01/", dir.resolve("hv01").toString());
        substitutions.put("myhost/", dir.resolve("myhost").toString());
        substitutions.put("qemu:///system", "test:///default");
        substitutions.put("qemu+ssh://hv02/system", "test:///default");
        substitutions.put("hosts/hv02/", dir.resolve("hv02").toString());
        return substitutions;
    }
}
