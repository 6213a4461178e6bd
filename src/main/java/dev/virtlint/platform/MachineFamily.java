package dev.virtlint.platform;

/** The chipset family of an x86 machine type; only Q35 and I440FX have a layout virt-lint can predict. */
public enum MachineFamily {
    /** {@code pc-q35-*}: Q35 + ICH9, PCI Express. */
    Q35,
    /** {@code pc-i440fx-*} and the legacy {@code pc-X.Y} names: i440FX + PIIX, conventional PCI. */
    I440FX,
    /** {@code microvm}, {@code isapc}, {@code none}, {@code x-remote}: not built by {@code pc_memory_init}. */
    OTHER;

    public boolean isPc() {
        return this != OTHER;
    }
}
