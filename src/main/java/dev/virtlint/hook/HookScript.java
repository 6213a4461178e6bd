package dev.virtlint.hook;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The script {@code virt-lint hook install} writes into libvirt's {@code qemu.d}, and what can be read back from it.
 * It records the directories the install created, so that an uninstall leaves the hook directory as it found it
 * without keeping state anywhere else, and it returns at once on every step but {@code prepare begin}, so that a
 * guest's other steps (stop, release, migrate, a daemon's reconnect) never wait for a JVM.
 *
 * @param command the virt-lint command line, absolute, as separate words
 * @param config the configuration {@code hook run} reads, when not its default
 * @param failureMode the mode given at install; it also decides what happens when the command is gone
 * @param createdDirectories the directories the install created, relative to the root, outermost first
 */
public record HookScript(List<String> command, Optional<String> config, Optional<FailureMode> failureMode,
                         List<String> createdDirectories) {
    /** The line that says a file is ours: install replaces and uninstall removes only a file that has it. */
    static final String MARKER = "# Installed by 'virt-lint hook install'; remove it with 'virt-lint hook uninstall'.";
    private static final String CREATED = "# virt-lint created: ";
    private static final String PROGRAM = "program=";
    private static final String EXEC = "exec ";
    private static final String PROGRAM_WORD = "\"$program\" ";
    private static final String ALL_ARGUMENTS = "\"$@\"";

    public HookScript {
        command = List.copyOf(command);
        createdDirectories = List.copyOf(createdDirectories);
        if (command.isEmpty() || !command.get(0).startsWith("/")) {
            throw new IllegalArgumentException("the hook's command must start with an absolute path: " + command);
        }
    }

    public String render() {
        FailureMode whenGone = failureMode.orElse(FailureMode.FAIL_OPEN);
        StringBuilder script = new StringBuilder();
        script.append("#!/bin/sh\n").append(MARKER).append('\n');
        script.append("# libvirt runs each executable file in this directory at every step of a QEMU guest's life,\n"
                + "# with the guest's XML on standard input. virt-lint checks it at 'prepare begin', before anything\n"
                + "# is set up; a non-zero exit refuses the start and libvirt shows what it printed. Every other step\n"
                + "# ends here, without reading the XML (libvirt does not mind) and without starting Java.\n");
        for (String directory : createdDirectories) {
            script.append(CREATED).append(directory).append('\n');
        }
        script.append("[ \"$2\" = prepare ] && [ \"$3\" = begin ] || exit 0\n");
        script.append(PROGRAM).append(quote(command.get(0))).append('\n');
        script.append("if [ ! -x \"$program\" ]; then\n");
        if (whenGone == FailureMode.FAIL_OPEN) {
            script.append("    message=\"virt-lint hook: $program is gone, so guest '$1' starts unchecked (fail-open);"
                    + " run 'virt-lint hook install' again\"\n");
            script.append("    logger -t virt-lint -p daemon.warning \"$message\" 2>/dev/null\n");
            script.append("    echo \"$message\" >&2\n    exit 0\nfi\n");
        } else {
            script.append("    echo \"virt-lint hook: $program is gone, so guest '$1' is not started (fail-closed);"
                    + " run 'virt-lint hook install' again\" >&2\n    exit 1\nfi\n");
        }
        script.append(EXEC).append(PROGRAM_WORD.strip());
        for (String word : command.subList(1, command.size())) {
            script.append(' ').append(quote(word));
        }
        script.append(" hook run");
        config.ifPresent(file -> script.append(" --config ").append(quote(file)));
        failureMode.ifPresent(mode -> script.append(" --on-internal-error ").append(mode.word()));
        script.append(' ').append(ALL_ARGUMENTS).append('\n');
        return script.toString();
    }

    /**
     * What an installed script says: the directories its install created, the program it runs with its arguments,
     * and the configuration and failure mode given at install.
     */
    public record Installed(List<String> createdDirectories, String program, List<String> arguments,
                            Optional<String> config, Optional<FailureMode> failureMode) {
        public String commandLine() {
            return String.join(" ", Stream.concat(Stream.of(program), arguments.stream()).map(HookScript::quote)
                    .toList());
        }
    }

    /** The script in {@code text}, if virt-lint wrote it. */
    public static Optional<Installed> parse(String text) {
        if (text.lines().limit(3).noneMatch(MARKER::equals)) {
            return Optional.empty();
        }
        List<String> created = text.lines().filter(line -> line.startsWith(CREATED))
                .map(line -> line.substring(CREATED.length())).toList();
        Optional<String> program = text.lines().filter(line -> line.startsWith(PROGRAM))
                .map(line -> words(line.substring(PROGRAM.length()))).filter(words -> words.size() == 1)
                .map(words -> words.get(0)).findFirst();
        Optional<List<String>> exec = text.lines().filter(line -> line.startsWith(EXEC + PROGRAM_WORD))
                .map(line -> words(line.substring((EXEC + PROGRAM_WORD).length()))).findFirst();
        if (program.isEmpty() || exec.isEmpty() || exec.get().isEmpty()
                || !exec.get().get(exec.get().size() - 1).equals(ALL_ARGUMENTS)) {
            return Optional.empty();
        }
        List<String> arguments = exec.get().subList(0, exec.get().size() - 1);
        Optional<String> config = Optional.empty();
        Optional<FailureMode> mode = Optional.empty();
        int run = arguments.indexOf("run");
        for (int i = run + 1; run > 0 && i + 1 < arguments.size(); i += 2) {
            if (arguments.get(i).equals("--config")) {
                config = Optional.of(arguments.get(i + 1));
            } else if (arguments.get(i).equals("--on-internal-error")) {
                mode = FailureMode.parse(arguments.get(i + 1));
            }
        }
        return Optional.of(new Installed(created, program.get(), arguments, config, mode));
    }

    /**
     * Splits what {@link #quote} wrote back into words: bare words, single-quoted ones, and the backslash-quoted
     * quote between them; a double-quoted word ({@code "$@"}) is kept as written.
     */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\'' && line.indexOf('\'', i + 1) > 0) {
                int close = line.indexOf('\'', i + 1);
                word.append(line, i + 1, close);
                i = close;
                inWord = true;
            } else if (c == '\\' && i + 1 < line.length()) {
                word.append(line.charAt(++i));
                inWord = true;
            } else if (c == ' ') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    /** A word as sh reads it literally: bare when it has only safe characters, else in single quotes. */
    public static String quote(String word) {
        if (!word.isEmpty()
                && word.chars().allMatch(c -> Character.isLetterOrDigit(c) || "/._-+=:,@%".indexOf(c) >= 0)) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
