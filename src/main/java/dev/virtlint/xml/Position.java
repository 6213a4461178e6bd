package dev.virtlint.xml;

/** A 1-based line and column; columns count Unicode code points, as editors and SARIF do. */
public record Position(int line, int column) {
}
