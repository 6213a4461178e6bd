package dev.virtlint.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** Output formats of the map command: a table, JSON, or a picture (SVG, or SVG in an HTML page). */
enum MapFormat {
    text, json, svg, html;

    /** The picture format a file name asks for, so that {@code map -o x.svg} needs no --format. */
    static Optional<MapFormat> ofFileName(Path file) {
        if (file == null || file.getFileName() == null) {
            return Optional.empty();
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".svg")) {
            return Optional.of(svg);
        }
        if (name.endsWith(".html") || name.endsWith(".htm")) {
            return Optional.of(html);
        }
        return Optional.empty();
    }
}
