package dev.virtlint.xml;

/** A comment with its text (between {@code <!--} and {@code -->}) and its span including the delimiters. */
public record XmlComment(String text, Span span) {
}
