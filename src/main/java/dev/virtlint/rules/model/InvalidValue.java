package dev.virtlint.rules.model;

import java.util.ArrayList;
import java.util.List;

import dev.virtlint.domain.ModelProblem;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.FindingBuilder;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

@RuleInfo(id = "VL000", name = "invalid-value", severity = Severity.ERROR, family = Family.MODEL,
        summary = "A value libvirt cannot interpret (bad number, unknown unit, impossible size)")
public final class InvalidValue implements Rule {
    @Override
    public List<Finding> check(LintContext context) {
        List<Finding> findings = new ArrayList<>();
        for (ModelProblem problem : context.domain().problems()) {
            findings.add(FindingBuilder.at(meta(), context.source(), problem.span(),
                    problem.message() + "; libvirt refuses the definition, and virt-lint skips the checks that"
                            + " need this value").build());
        }
        return findings;
    }
}
