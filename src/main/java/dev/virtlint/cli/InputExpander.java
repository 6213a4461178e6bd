package dev.virtlint.cli;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
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

    private static boolean isXml(Path file) {
        return file.getFileName() != null && file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xml");
    }

    private static void walk(Path directory, List<Input> inputs) {
        List<Path> found = new ArrayList<>();
        try {
            // Symlinked definitions are common (one file per host, linked into a fleet view), so links are
            // followed; the walker detects directory loops, and a looping file link fails like any unreadable file.
            Files.walkFileTree(directory, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                            // A link the walker could not follow (broken or looping) arrives with its own
                            // attributes; keep it, so that reading it reports why it is unusable.
                            if ((attributes.isRegularFile() || attributes.isSymbolicLink()) && isXml(file)) {
                                found.add(file);
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) {
                            if (e instanceof FileSystemLoopException) {
                                inputs.add(new Input.Unreadable(new XmlLoadException(
                                        XmlLoadException.Kind.UNREADABLE, file.toString(), 1, 1,
                                        "a symbolic link loops back to a directory above it")));
                            } else if (isXml(file) || Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
                                found.add(file);
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            inputs.add(new Input.Unreadable(new XmlLoadException(XmlLoadException.Kind.UNREADABLE,
                    directory.toString(), 1, 1, String.valueOf(e.getMessage()))));
        }
        found.sort(null);
        // Unreadable entries are kept in their sorted place; linting them reports why they cannot be read.
        for (Path file : found) {
            inputs.add(new Input.FoundFile(file));
        }
    }
}
