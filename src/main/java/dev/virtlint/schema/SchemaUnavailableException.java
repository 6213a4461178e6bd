package dev.virtlint.schema;

/** libvirt's schemas are missing or unreadable; the message says which file and why, for the user. */
public final class SchemaUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public SchemaUnavailableException(String message) {
        super(message);
    }
}
