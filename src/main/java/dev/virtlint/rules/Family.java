package dev.virtlint.rules;

import java.util.Locale;

/** Rule families, one per part of the stack a rule reasons about; IDs are numbered by family. */
public enum Family {
    MODEL, MACHINE, MEMORY, FIRMWARE, IOMMU, GPU, QEMU, HOST,
    /** libvirt's own checks of a definition, made when the guest starts (and, for most, at define too). */
    LIBVIRT,
    META;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
