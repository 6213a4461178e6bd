package dev.virtlint.xml;

/**
 * Replace the characters in [start, end) of the original text with {@code replacement}. An insertion has
 * start == end; a deletion an empty replacement.
 */
public record TextEdit(int start, int end, String replacement) {
    public TextEdit {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad edit range " + start + ".." + end);
        }
    }

    public static TextEdit insert(int offset, String text) {
        return new TextEdit(offset, offset, text);
    }

    public static TextEdit replace(Span span, String text) {
        return new TextEdit(span.start(), span.end(), text);
    }

    public Span span() {
        return new Span(start, end);
    }
}
