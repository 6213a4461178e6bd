package dev.virtlint.rules;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.XmlAttribute;
import dev.virtlint.xml.XmlElement;

/** Everything a rule may read about one domain. */
public record LintContext(DomainDef domain) {

    public SourceText source() {
        return domain.document().source();
    }

    public FindingBuilder finding(Rule rule, XmlElement at, String message) {
        return FindingBuilder.at(rule.meta(), source(), at, message);
    }

    public FindingBuilder finding(Rule rule, XmlAttribute at, String message) {
        return FindingBuilder.at(rule.meta(), source(), at, message);
    }
}
