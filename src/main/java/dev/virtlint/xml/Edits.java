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
            // Whitespace alone between the tags (an emptied <devices>) is replaced, or its last line would stay
            // behind as a line of spaces; other content (a comment) keeps its own line after the child.
            Span content = new Span(parent.startTag().end(), parent.endTag().start());
            String between = source.text().substring(content.start(), content.end());
            if (between.isBlank()) {
                return TextEdit.replace(content, newline + childIndent + childXml + newline + parentIndent);
            }
            String leadingWhitespace = between.substring(0, between.length() - between.stripLeading().length());
            if (leadingWhitespace.contains("\n")) {
                return TextEdit.insert(parent.startTag().end(), newline + childIndent + childXml);
            }
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

    /**
     * {@link #insertChild} for several lines of XML. {@code block} separates lines with {@code \n} and starts
     * each line with one {@code \t} per level of nesting below the first; both become the file's line ending
     * and indentation.
     */
    public static TextEdit insertChildBlock(SourceText source, XmlElement parent, String block, List<String> after) {
        String childIndent = indentationOf(source, parent) + blockIndentUnit(source, parent);
        return insertChild(source, parent, layOut(source, block, childIndent, blockIndentUnit(source, parent)), after);
    }

    /** {@link #appendChild} for several lines of XML, laid out as {@link #insertChildBlock} describes. */
    public static TextEdit appendChildBlock(SourceText source, XmlElement parent, String block) {
        String unit = blockIndentUnit(source, parent);
        if (parent.isSelfClosing() || parent.children().isEmpty()) {
            return insertChildBlock(source, parent, block, List.of());
        }
        XmlElement last = parent.children().get(parent.children().size() - 1);
        String indent = indentationOf(source, last);
        return TextEdit.insert(last.endTag().end(), source.lineSeparator() + indent + layOut(source, block, indent, unit));
    }

    /** Inserts several lines of XML right after {@code sibling}, at its indentation, laid out as {@link #insertChildBlock} describes. */
    public static TextEdit insertAfter(SourceText source, XmlElement sibling, String block) {
        XmlElement parent = sibling.parent().orElseThrow(() -> new IllegalArgumentException("the root has no siblings"));
        String indent = indentationOf(source, sibling);
        return TextEdit.insert(sibling.endTag().end(),
                source.lineSeparator() + indent + layOut(source, block, indent, blockIndentUnit(source, parent)));
    }

    /**
     * Removes an element. When nothing but whitespace shares its line, the whole line goes with it, so no
     * blank line is left behind.
     */
    public static TextEdit removeElement(SourceText source, XmlElement element) {
        String text = source.text();
        int start = element.startTag().start();
        int end = element.endTag().end();
        int lineStart = start;
        while (lineStart > 0 && (text.charAt(lineStart - 1) == ' ' || text.charAt(lineStart - 1) == '\t')) {
            lineStart--;
        }
        int lineEnd = end;
        while (lineEnd < text.length() && (text.charAt(lineEnd) == ' ' || text.charAt(lineEnd) == '\t')) {
            lineEnd++;
        }
        boolean aloneOnLine = (lineStart == 0 || text.charAt(lineStart - 1) == '\n')
                && (lineEnd == text.length() || text.charAt(lineEnd) == '\r' || text.charAt(lineEnd) == '\n');
        if (!aloneOnLine) {
            return new TextEdit(start, end, "");
        }
        if (text.startsWith("\r\n", lineEnd)) {
            lineEnd += 2;
        } else if (lineEnd < text.length()) {
            lineEnd++;
        }
        return new TextEdit(lineStart, lineEnd, "");
    }

    /** The parent's own unit when its children show one, else the document's: a new child has nothing to copy. */
    private static String blockIndentUnit(SourceText source, XmlElement parent) {
        if (!parent.children().isEmpty()) {
            return indentUnit(source, parent);
        }
        XmlElement root = parent;
        while (root.parent().isPresent()) {
            root = root.parent().get();
        }
        return indentUnit(source, root);
    }

    private static String layOut(SourceText source, String block, String indent, String unit) {
        String[] lines = block.split("\n");
        StringBuilder text = new StringBuilder(lines[0]);
        for (int i = 1; i < lines.length; i++) {
            int depth = 0;
            while (depth < lines[i].length() && lines[i].charAt(depth) == '\t') {
                depth++;
            }
            text.append(source.lineSeparator()).append(indent).append(unit.repeat(depth)).append(lines[i].substring(depth));
        }
        return text.toString();
    }

    /**
     * Deletes {@code span}; when nothing but whitespace shares its lines, the whole lines go with it
     * (terminator included), so that no blank line is left behind.
     */
    public static TextEdit deleteWithLine(SourceText source, Span span) {
        String text = source.text();
        int lineStart = span.start();
        while (lineStart > 0 && (text.charAt(lineStart - 1) == ' ' || text.charAt(lineStart - 1) == '\t')) {
            lineStart--;
        }
        int lineEnd = span.end();
        while (lineEnd < text.length() && (text.charAt(lineEnd) == ' ' || text.charAt(lineEnd) == '\t')) {
            lineEnd++;
        }
        boolean startsLine = lineStart == 0 || text.charAt(lineStart - 1) == '\n' || text.charAt(lineStart - 1) == '\r';
        boolean endsLine = lineEnd == text.length() || text.charAt(lineEnd) == '\n' || text.charAt(lineEnd) == '\r';
        if (!startsLine || !endsLine) {
            return TextEdit.replace(span, "");
        }
        if (text.startsWith("\r\n", lineEnd)) {
            lineEnd += 2;
        } else if (lineEnd < text.length()) {
            lineEnd++;
        }
        return new TextEdit(lineStart, lineEnd, "");
    }

    private static boolean onOwnLine(SourceText source, XmlElement element) {
        int start = element.startTag().start();
        return source.positionOf(start).column() == indentationOf(source, element).length() + 1;
    }
}
