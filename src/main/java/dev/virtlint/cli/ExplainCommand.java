package dev.virtlint.cli;

import java.util.Optional;
import java.util.concurrent.Callable;

import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleDocs;
import dev.virtlint.rules.RuleRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "explain", mixinStandardHelpOptions = true,
        description = "Print a rule's documentation: what it checks, the failure it prevents, an example and"
                + " its fix.",
        footerHeading = "%nExamples:%n", footer = {"  virt-lint explain VL501", "  virt-lint explain qemu-namespace-undeclared"})
final class ExplainCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "RULE", description = "A rule ID (VL501) or name (qemu-namespace-undeclared).")
    private String rule;

    @Override
    public Integer call() {
        Optional<Rule> found = RuleRegistry.find(rule);
        if (found.isEmpty()) {
            spec.commandLine().getErr().println("virt-lint: no rule '" + rule + "'; 'virt-lint rules' lists them");
            spec.commandLine().getErr().flush();
            return ExitCodes.USAGE_OR_INPUT;
        }
        var out = spec.commandLine().getOut();
        out.print(RuleDocs.markdown(found.get().meta())
                .orElseThrow(() -> new IllegalStateException("no doc for " + found.get().meta().id())));
        out.flush();
        return ExitCodes.CLEAN;
    }
}
