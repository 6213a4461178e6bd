package dev.virtlint.domain;

/** A value in the domain XML that libvirt would reject or that cannot be interpreted. */
public final class InvalidValueException extends Exception {
    private static final long serialVersionUID = 1L;

    public InvalidValueException(String message) {
        super(message);
    }
}
