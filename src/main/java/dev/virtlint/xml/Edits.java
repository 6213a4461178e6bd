package dev.virtlint.xml;

import java.util.List;
import java.util.Optional;

/**
 * Builds edits that look as if the file's author had typed them: the file's quote character, its line
 * ending, and the indentation of the surrounding elements.
 */
public final class Edits {
    private Edits() {
    }

    /** The quote character most attributes in the document use; libvirt writes {@code '}. */
    public static char quoteOf(XmlDocument document) {
        int[] counts = new int[2];
        countQuotes(document.root(), counts);
        return counts[1] > counts[0] ? '"' : '\'';
    }

    private static void countQuotes(XmlElement element, int[] counts) {
        for (XmlAttribute attribute : element.attributes()) {
            counts[attribute.quote() == '"' ? 1 : 0]++;
        }
        for (XmlElement child : element.children()) {
            countQuotes(child, counts);
        }
    }

    /** Escapes text for an attribute value in the given quote character. */
    public static String escapeAttribute(String value, char quote) {
        StringBuilder out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '\'' -> out.append(quote == '\'' ? "&apos;" : "'");
                case '"' -> out.append(quote == '"' ? "&quot;" : "\"");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Adds {@code name='value'} at the end of an element's start tag, after its last attribute. */
    public static TextEdit addAttribute(XmlDocument document, XmlElement element, String name, String value) {
        char quote = quoteOf(document);
        List<XmlAttribute> attributes = element.attributes();
        int offset = attributes.isEmpty()
                ? element.startTag().start() + 1 + element.qualifiedName().length()
                : attributes.get(attributes.size() - 1).valueSpan().end() + 1;
        return TextEdit.insert(offset, " " + name + "=" + quote + escapeAttribute(value, quote) + quote);
    }

    /** Sets an attribute: replaces the value between its quotes if present, adds it otherwise. */
    public static TextEdit setAttribute(XmlDocument document, XmlElement element, String name, String value) {
        Optional<XmlAttribute> existing = element.attribute(name);
        if (existing.isPresent()) {
            return TextEdit.replace(existing.get().valueSpan(), escapeAttribute(value, existing.get().quote()));
        }
        return addAttribute(document, element, name, value);
    }

    /** The whitespace before an element's start tag on its line, or empty if something precedes it. */
    public static String indentationOf(SourceText source, XmlElement element) {
        int start = element.startTag().start();
        int lineStart = source.lineStart(source.positionOf(start).line());
        String before = source.text().substring(lineStart, start);
        return before.isBlank() ? before : "";
    }

    /** One level of indentation, inferred from a child's indentation relative to its parent's. */
    public static String indentUnit(SourceText source, XmlElement parent) {
        String parentIndent = indentationOf(source, parent);
        for (XmlElement child : parent.children()) {
            String childIndent = indentationOf(source, child);
            if (childIndent.length() > parentIndent.length() && childIndent.startsWith(parentIndent)) {
                return childIndent.substring(parentIndent.length());
            }
        }
        return "  ";
    }
}
