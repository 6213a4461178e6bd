package dev.virtlint.rules;

import java.util.Optional;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.host.HostFacts;
import dev.virtlint.platform.Platform;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.XmlAttribute;
import dev.virtlint.xml.XmlElement;

/**
 * Everything a rule may read about one domain: the typed model, the platform resolved for it and the
 * host facts when the run has them. Rules that need a fact the run lacks record it in {@link #notChecked()}.
 */
public record LintContext(DomainDef domain, Platform platform, Optional<HostFacts> hostFacts,
                          NotChecked notChecked) {

    public SourceText source() {
        return domain.document().source();
    }

    public FindingBuilder finding(Rule rule, XmlElement at, String message) {
        return FindingBuilder.at(rule.meta(), source(), at, message);
    }

    public FindingBuilder finding(Rule rule, XmlAttribute at, String message) {
        return FindingBuilder.at(rule.meta(), source(), at, message);
    }

    /** Records that {@code rule} could not check this file because {@code missingFact} is unknown. */
    public void couldNotCheck(Rule rule, String missingFact) {
        notChecked.add(rule.meta(), missingFact);
    }
}
