package dev.virtlint.cli;

import java.util.concurrent.Callable;

import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleMeta;
import dev.virtlint.rules.RuleRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "List every rule: ID, name, default severity and what it catches.",
        footerHeading = "%nExample:%n", footer = "  virt-lint rules | grep gpu")
final class RulesCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        for (Rule rule : RuleRegistry.all()) {
            RuleMeta meta = rule.meta();
            out.printf("%-6s %-40s %-8s %s%n", meta.id(), meta.name(), meta.severity().label(), meta.summary());
        }
        out.flush();
        return ExitCodes.CLEAN;
    }
}
