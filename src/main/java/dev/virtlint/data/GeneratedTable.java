package dev.virtlint.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tab-separated table that a script under {@code scripts/} generated from the installed QEMU and that ships
 * as a resource: {@code #} lines are comments (the first names the QEMU it came from), every other line a row.
 */
public record GeneratedTable(List<String> comments, List<String[]> rows) {

    /** Reads {@code name} next to {@code anchor}'s class file; a missing table is a packaging bug. */
    public static GeneratedTable load(Class<?> anchor, String name) {
        List<String> comments = new ArrayList<>();
        List<String[]> rows = new ArrayList<>();
        try (InputStream in = anchor.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the build");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("#")) {
                    comments.add(line);
                } else if (!line.isBlank()) {
                    rows.add(line.split("\t"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new GeneratedTable(List.copyOf(comments), List.copyOf(rows));
    }
}
