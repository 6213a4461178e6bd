package dev.virtlint.cli;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.virtlint.xml.XmlLoadException;

/** Turns command-line paths into inputs, walking directories in a stable (sorted) order. */
final class InputExpander {
    private InputExpander() {
    }

    static List<Input> expand(List<String> arguments, String stdinName) {
        List<Input> inputs = new ArrayList<>();
        for (String argument : arguments) {
            if (argument.equals("-")) {
                inputs.add(new Input.StandardInput(stdinName));
                continue;
            }
            Path path = Path.of(argument);
            if (Files.isDirectory(path)) {
                walk(path, inputs);
            } else {
                inputs.add(new Input.NamedFile(path));
            }
        }
        return inputs;
    }

    private static void walk(Path directory, List<Input> inputs) {
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                    if (attributes.isRegularFile() && file.getFileName().toString().toLowerCase(Locale.ROOT)
                            .endsWith(".xml")) {
                        found.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    inputs.add(new Input.Unreadable(new XmlLoadException(XmlLoadException.Kind.UNREADABLE,
                            file.toString(), 1, 1, "cannot be read (" + e.getClass().getSimpleName() + ")")));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            inputs.add(new Input.Unreadable(new XmlLoadException(XmlLoadException.Kind.UNREADABLE,
                    directory.toString(), 1, 1, String.valueOf(e.getMessage()))));
        }
        found.sort(null);
        for (Path file : found) {
            inputs.add(new Input.FoundFile(file));
        }
    }
}
