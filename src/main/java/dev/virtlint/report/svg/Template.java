package dev.virtlint.report.svg;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A markup fragment from this package's resources with {@code {{name}}} placeholders, filled in with
 * XML-escaped values, and {@code {{&name}}} placeholders for fragments already rendered. The markup lives in
 * the resource files, where it can be read as SVG or HTML; the renderer only computes numbers and text.
 */
final class Template {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{(&?)([A-Za-z0-9]+)}}");

    private final String name;
    private final String text;

    private Template(String name, String text) {
        this.name = name;
        this.text = text;
    }

    static Template load(String name) {
        try (InputStream in = Template.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("template " + name + " is missing from the jar");
            }
            return new Template(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String render(Map<String, ?> values) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            Object value = values.get(matcher.group(2));
            if (value == null) {
                throw new IllegalStateException("template " + name + " needs a value for " + matcher.group(2));
            }
            String rendered = matcher.group(1).isEmpty() ? escape(value.toString()) : value.toString();
            matcher.appendReplacement(out, Matcher.quoteReplacement(rendered));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    static String escape(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
