package dev.virtlint.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.virtlint.report.svg.AddressMapSvg;

/** Writes the drawn address map (SVG, or SVG in an HTML page) to a file or standard output. */
final class MapPictureOutput {
    private MapPictureOutput() {
    }

    static int write(AddressMapSvg.Picture picture, MapFormat format, Path output, PrintWriter out, PrintWriter err) {
        String document = format == MapFormat.html ? AddressMapSvg.html(picture) : AddressMapSvg.svg(picture);
        if (output == null) {
            out.print(document);
            out.flush();
            return ExitCodes.CLEAN;
        }
        try {
            Files.writeString(output, document, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("virt-lint map: cannot write " + output + ": " + e.getMessage());
            return ExitCodes.USAGE_OR_INPUT;
        }
        return ExitCodes.CLEAN;
    }
}
