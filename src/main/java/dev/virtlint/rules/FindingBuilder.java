package dev.virtlint.rules;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.Span;
import dev.virtlint.xml.XmlAttribute;
import dev.virtlint.xml.XmlElement;

/** Fluent construction of a {@link Finding} at an element's start tag or at an attribute value. */
public final class FindingBuilder {
    private final RuleMeta rule;
    private final SourceText source;
    private final Span span;
    private final String message;
    private final Map<String, Object> data = new LinkedHashMap<>();
    private Fix fix;
    private Severity severity;

    private FindingBuilder(RuleMeta rule, SourceText source, Span span, String message) {
        this.rule = rule;
        this.source = source;
        this.span = span;
        this.message = message;
        this.severity = rule.severity();
    }

    public static FindingBuilder at(RuleMeta rule, SourceText source, XmlElement element, String message) {
        return new FindingBuilder(rule, source, element.startTag(), message);
    }

    public static FindingBuilder at(RuleMeta rule, SourceText source, XmlAttribute attribute, String message) {
        return new FindingBuilder(rule, source, attribute.valueSpan(), message);
    }

    public static FindingBuilder at(RuleMeta rule, SourceText source, Span span, String message) {
        return new FindingBuilder(rule, source, span, message);
    }

    /** Structured data for machine consumers; values should be strings, numbers or booleans. */
    public FindingBuilder data(String key, Object value) {
        data.put(key, value);
        return this;
    }

    public FindingBuilder fix(Fix fix) {
        this.fix = fix;
        return this;
    }

    /** A severity other than the rule's, for a case of the rule whose consequence is milder than its usual one. */
    public FindingBuilder severity(Severity milder) {
        this.severity = milder;
        return this;
    }

    public Finding build() {
        return new Finding(rule, severity, source, span, message, data, Optional.ofNullable(fix));
    }
}
