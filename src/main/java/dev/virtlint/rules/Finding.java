package dev.virtlint.rules;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import dev.virtlint.xml.Position;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.Span;

/**
 * One problem in one file: which rule, how severe, where (a span of the original text, and the path of the
 * element it lies in once the linter has located it), what will go wrong in the user's terms, the numbers
 * behind it, and how to fix it when a fix is known.
 */
public record Finding(RuleMeta rule, Severity severity, SourceText source, Span span, String message,
                      Map<String, Object> data, Optional<Fix> fix, Optional<String> elementPath) {

    public Finding {
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** A finding not yet located in the element tree. */
    public Finding(RuleMeta rule, Severity severity, SourceText source, Span span, String message,
                   Map<String, Object> data, Optional<Fix> fix) {
        this(rule, severity, source, span, message, data, fix, Optional.empty());
    }

    /** The same finding, located in the element at {@code path}, e.g. {@code /domain/devices/hostdev[2]}. */
    public Finding withElementPath(String path) {
        return new Finding(rule, severity, source, span, message, data, fix, Optional.of(path));
    }

    /** The same finding reported by {@code reportedAs} (same ID, possibly another severity from configuration). */
    public Finding reportedAs(RuleMeta reportedAs) {
        return new Finding(reportedAs, reportedAs.severity(), source, span, message, data, fix, elementPath);
    }

    /** The same finding with {@code value} under {@code key} in its data, unless the rule put a value there. */
    public Finding withDataDefault(String key, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(data);
        more.putIfAbsent(key, value);
        return new Finding(rule, severity, source, span, message, more, fix, elementPath);
    }

    public Position start() {
        return source.positionOf(span.start());
    }

    public Position end() {
        return source.positionOf(span.end());
    }
}
