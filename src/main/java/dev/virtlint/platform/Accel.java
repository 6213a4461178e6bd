package dev.virtlint.platform;

import java.util.Locale;

/** The accelerator: under KVM the host decides the vCPU vendor and phys-bits; under TCG the CPU model does. */
public enum Accel {
    KVM, TCG;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
