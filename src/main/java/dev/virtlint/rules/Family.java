package dev.virtlint.rules;

import java.util.Locale;

/** Rule families, one per part of the stack a rule reasons about; IDs are numbered by family. */
public enum Family {
    MODEL, MACHINE, MEMORY, FIRMWARE, IOMMU, GPU, QEMU, HOST, META;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
