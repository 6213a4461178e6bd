package dev.virtlint.platform;

/** Whether a QEMU binary offers a machine type by the name written in the domain. */
public enum Registration {
    /** Registered and not marked deprecated. */
    CURRENT,
    /** Registered; QEMU prints "Machine type '…' is deprecated" when it is used. */
    DEPRECATED,
    /** The binary's machine list is known and the name is not in it; QEMU refuses to start. */
    NOT_REGISTERED,
    /** virt-lint has no machine list for that binary. */
    UNKNOWN;

    public boolean isRegistered() {
        return this == CURRENT || this == DEPRECATED;
    }
}
