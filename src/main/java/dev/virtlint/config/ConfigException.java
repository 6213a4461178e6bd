package dev.virtlint.config;

import java.nio.file.Path;

/** A configuration file that cannot be used, with the place in it that says why. */
public final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final int column;

    public ConfigException(Path file, int line, int column, String message) {
        super(message);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }

    /** {@code file:line:col: config error: message}, like every other problem virt-lint reports. */
    public String oneLine() {
        return file + ":" + line + ":" + column + ": config error: " + getMessage();
    }
}
