package dev.virtlint.xml;

import java.nio.charset.Charset;
import java.util.Arrays;

/**
 * The decoded text of one input and what is needed to write it back unchanged: the charset it was
 * read with and whether it began with a byte-order mark. All offsets in the located model index into
 * {@link #text()}, which keeps the original line endings.
 */
public final class SourceText {
    private final String displayName;
    private final String text;
    private final Charset charset;
    private final boolean byteOrderMark;
    private final int[] lineStarts;

    public SourceText(String displayName, String text, Charset charset, boolean byteOrderMark) {
        this.displayName = displayName;
        this.text = text;
        this.charset = charset;
        this.byteOrderMark = byteOrderMark;
        this.lineStarts = indexLines(text);
    }

    private static int[] indexLines(String text) {
        int[] starts = new int[16];
        int count = 0;
        starts[count++] = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // CR LF, lone CR and lone LF each end a line, as the XML spec's end-of-line handling says.
            if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                if (count == starts.length) {
                    starts = Arrays.copyOf(starts, count * 2);
                }
                starts[count++] = i + 1;
            }
        }
        return Arrays.copyOf(starts, count);
    }

    public String displayName() {
        return displayName;
    }

    public String text() {
        return text;
    }

    public Charset charset() {
        return charset;
    }

    public boolean hasByteOrderMark() {
        return byteOrderMark;
    }

    public int lineCount() {
        return lineStarts.length;
    }

    /** The offset of the first character of a 1-based line. */
    public int lineStart(int line) {
        return lineStarts[line - 1];
    }

    public Position positionOf(int offset) {
        if (offset < 0 || offset > text.length()) {
            throw new IndexOutOfBoundsException("offset " + offset + " outside 0.." + text.length());
        }
        int index = Arrays.binarySearch(lineStarts, offset);
        int lineIndex = index >= 0 ? index : -index - 2;
        int column = text.codePointCount(lineStarts[lineIndex], offset) + 1;
        return new Position(lineIndex + 1, column);
    }

    /** The offset of a 1-based line and code-point column, clamped to the line's end. */
    public int offsetOf(int line, int column) {
        int lineIndex = Math.max(0, Math.min(line, lineStarts.length) - 1);
        int start = lineStarts[lineIndex];
        int end = lineIndex + 1 < lineStarts.length ? lineStarts[lineIndex + 1] : text.length();
        int offset = start;
        for (int c = 1; c < column && offset < end; c++) {
            offset += Character.charCount(text.codePointAt(offset));
        }
        return Math.min(offset, end);
    }

    /** The line terminator the file mostly uses, so inserted lines match it. */
    public String lineSeparator() {
        int crlf = 0;
        int lf = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                if (i > 0 && text.charAt(i - 1) == '\r') {
                    crlf++;
                } else {
                    lf++;
                }
            }
        }
        return crlf > lf ? "\r\n" : "\n";
    }
}
