package dev.virtlint.cli;

import java.io.PrintWriter;
import java.util.List;

/**
 * The plain-text tables {@code map} prints: the first column left-aligned, the address and size columns
 * right-aligned so that their digits line up, and optionally a last column of free text, left unpadded.
 */
final class TextTable {
    private TextTable() {
    }

    static void print(PrintWriter out, List<String[]> rows, boolean lastColumnIsText) {
        int columns = rows.get(0).length;
        int[] widths = new int[columns];
        for (String[] row : rows) {
            for (int i = 0; i < columns; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        int aligned = lastColumnIsText ? columns - 1 : columns;
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns; i++) {
                if (i > 0) {
                    line.append("  ");
                }
                String cell = row[i];
                String padding = i < aligned ? " ".repeat(widths[i] - cell.length()) : "";
                line.append(i == 0 ? cell + padding : padding + cell);
            }
            out.println(line);
        }
    }
}
