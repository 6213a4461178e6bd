package dev.virtlint.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.virtlint.xml.Position;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.Span;

/**
 * One problem in one file: which rule, how severe, where (a span of the original text), what will go
 * wrong in the user's terms, the numbers behind it, and how to fix it when a fix is known.
 */
public record Finding(RuleMeta rule, Severity severity, SourceText source, Span span, String message,
                      Map<String, Object> data, Optional<Fix> fix) {

    public Finding {
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    public Position start() {
        return source.positionOf(span.start());
    }

    public Position end() {
        return source.positionOf(span.end());
    }
}
