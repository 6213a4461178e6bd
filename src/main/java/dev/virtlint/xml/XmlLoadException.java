package dev.virtlint.xml;

/**
 * An input that cannot be loaded: unreadable, too large, badly encoded, malformed or refused for
 * safety. Carries the position so the CLI can print {@code file:line:col: kind: message}.
 */
public final class XmlLoadException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of problem; its label starts the one-line message. */
    public enum Kind {
        UNREADABLE("cannot read"),
        UNWRITABLE("cannot write the fix"),
        TOO_LARGE("file too large"),
        ENCODING("invalid encoding"),
        MALFORMED("malformed XML"),
        REFUSED("refused"),
        NOT_A_DOMAIN("not a libvirt domain"),
        INTERNAL("internal error");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final Kind kind;
    private final String displayName;
    private final int line;
    private final int column;

    public XmlLoadException(Kind kind, String displayName, int line, int column, String message) {
        super(message);
        this.kind = kind;
        this.displayName = displayName;
        this.line = line;
        this.column = column;
    }

    public Kind kind() {
        return kind;
    }

    public String displayName() {
        return displayName;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The one-line form every front end prints: {@code file:line:col: malformed XML: ...}. */
    public String oneLine() {
        return displayName + ":" + line + ":" + column + ": " + kind.label() + ": " + getMessage();
    }
}
