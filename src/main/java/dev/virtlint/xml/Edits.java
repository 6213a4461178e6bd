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

    /**
     * Adds {@code name='value'} at the end of an element's start tag, after its last attribute, quoted like
     * that element's other attributes (or like the document's, if it has none).
     */
    public static TextEdit addAttribute(XmlDocument document, XmlElement element, String name, String value) {
        char quote = element.attributes().isEmpty() ? quoteOf(document)
                : element.attributes().get(element.attributes().size() - 1).quote();
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

    /**
     * Inserts {@code childXml} (one line, no indentation) into {@code parent}: after the last child whose name
     * is in {@code after}, else as the first child. A self-closing parent is opened and closed around it.
     * Indentation and line ending follow the file.
     */
    public static TextEdit insertChild(SourceText source, XmlElement parent, String childXml, List<String> after) {
        String newline = source.lineSeparator();
        String parentIndent = indentationOf(source, parent);
        String childIndent = parentIndent + indentUnit(source, parent);
        if (parent.isSelfClosing()) {
            Span tag = parent.startTag();
            int slash = source.text().lastIndexOf('/', tag.end() - 1);
            String closing = parentIndent.isEmpty() && !onOwnLine(source, parent) ? "" : newline + parentIndent;
            return new TextEdit(slash, tag.end(), ">" + newline + childIndent + childXml + closing + "</"
                    + parent.qualifiedName() + ">");
        }
        XmlElement anchor = null;
        for (XmlElement child : parent.children()) {
            if (after.contains(child.qualifiedName())) {
                anchor = child;
            }
        }
        if (anchor != null) {
            return TextEdit.insert(anchor.endTag().end(), newline + childIndent + childXml);
        }
        if (parent.children().isEmpty()) {
            return TextEdit.insert(parent.startTag().end(), newline + childIndent + childXml + newline + parentIndent);
        }
        return TextEdit.insert(parent.startTag().end(), newline + childIndent + childXml);
    }

    /** Appends {@code childXml} as the last child of {@code parent}, on its own line. */
    public static TextEdit appendChild(SourceText source, XmlElement parent, String childXml) {
        if (parent.isSelfClosing() || parent.children().isEmpty()) {
            return insertChild(source, parent, childXml, List.of());
        }
        XmlElement last = parent.children().get(parent.children().size() - 1);
        return TextEdit.insert(last.endTag().end(), source.lineSeparator() + indentationOf(source, last) + childXml);
    }

    private static boolean onOwnLine(SourceText source, XmlElement element) {
        int start = element.startTag().start();
        return source.positionOf(start).column() == indentationOf(source, element).length() + 1;
    }
}
