package dev.virtlint.platform;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * The numbers QEMU's {@code pc_memory_init} works from (knowledge file §1.1). Byte quantities are unsigned 64-bit
 * values as in QEMU ({@code uint64_t}), so a value of 8 EiB or more is a negative {@code long}.
 *
 * @param machine        a pc or q35 machine type (its compat flags and name)
 * @param qemuVersion    the QEMU binary's version: it decides whether the phys-bits check and the 8.2 rules exist
 * @param ramBytes       initial RAM, {@code -m size=}
 * @param maxMemBytes    {@code -m maxmem=}; 0 when the domain has no {@code <maxMemory>}
 * @param slots          {@code -m slots=}
 * @param pciHole64Bytes the host bridge's {@code pci-hole64-size}; empty for the machine default (q35 32 GiB, i440fx 2 GiB)
 * @param physBits       the first vCPU's resolved phys-bits (after host-phys-bits and limits; 40 for named models)
 * @param cpuVendorAmd   the vCPU's CPUID vendor is "AuthenticAMD" (Hygon does not count)
 * @param cpuLongMode    the vCPU has long mode; false only for 32-bit models such as qemu32 or pentium3
 * @param maxRamBelow4g  the machine's {@code max-ram-below-4g}; 0 for the default
 */
public record LayoutInput(
        MachineType machine,
        Version qemuVersion,
        long ramBytes,
        long maxMemBytes,
        int slots,
        OptionalLong pciHole64Bytes,
        int physBits,
        boolean cpuVendorAmd,
        boolean cpuLongMode,
        long maxRamBelow4g) {

    /** QEMU's default phys-bits for every named CPU model and for TCG ({@code TCG_PHYS_ADDR_BITS}, §3.2). */
    public static final int DEFAULT_PHYS_BITS = 40;

    static final long Q35_PCI_HOLE64_DEFAULT = 1L << 35;
    static final long I440FX_PCI_HOLE64_DEFAULT = 1L << 31;

    public LayoutInput {
        Objects.requireNonNull(machine, "machine");
        Objects.requireNonNull(qemuVersion, "qemuVersion");
        Objects.requireNonNull(pciHole64Bytes, "pciHole64Bytes");
        if (machine.layoutFlags().isEmpty()) {
            throw new IllegalArgumentException("QEMU's memory layout is predicted only for pc and q35 machine types, not "
                    + machine.concreteName());
        }
        if (ramBytes == 0) {
            throw new IllegalArgumentException("initial RAM must not be 0");
        }
        if (slots < 0) {
            throw new IllegalArgumentException("slots must not be negative: " + slots);
        }
        if (physBits < 1) {
            throw new IllegalArgumentException("phys-bits must be the resolved value (at least 1): " + physBits);
        }
    }

    public static Builder builder(MachineType machine, Version qemuVersion) {
        return new Builder(machine, qemuVersion);
    }

    public LayoutFlags flags() {
        return machine.layoutFlags().orElseThrow();
    }

    public long pciHole64Size() {
        return pciHole64Bytes.orElse(flags().family() == MachineFamily.Q35 ? Q35_PCI_HOLE64_DEFAULT : I440FX_PCI_HOLE64_DEFAULT);
    }

    public LayoutInput withMaxMemory(long newMaxMemBytes) {
        return new LayoutInput(machine, qemuVersion, ramBytes, newMaxMemBytes, slots, pciHole64Bytes, physBits,
                cpuVendorAmd, cpuLongMode, maxRamBelow4g);
    }

    public LayoutInput withPhysBits(int newPhysBits) {
        return new LayoutInput(machine, qemuVersion, ramBytes, maxMemBytes, slots, pciHole64Bytes, newPhysBits,
                cpuVendorAmd, cpuLongMode, maxRamBelow4g);
    }

    /** Builds a {@link LayoutInput} with QEMU's defaults: phys-bits 40, long mode, Intel vendor, no maxmem. */
    public static final class Builder {
        private final MachineType machine;
        private final Version qemuVersion;
        private long ramBytes;
        private long maxMemBytes;
        private int slots;
        private OptionalLong pciHole64Bytes = OptionalLong.empty();
        private int physBits = DEFAULT_PHYS_BITS;
        private boolean cpuVendorAmd;
        private boolean cpuLongMode = true;
        private long maxRamBelow4g;

        private Builder(MachineType machine, Version qemuVersion) {
            this.machine = machine;
            this.qemuVersion = qemuVersion;
        }

        public Builder ram(long bytes) {
            this.ramBytes = bytes;
            return this;
        }

        public Builder maxMemory(long bytes, int memorySlots) {
            this.maxMemBytes = bytes;
            this.slots = memorySlots;
            return this;
        }

        public Builder pciHole64(long bytes) {
            this.pciHole64Bytes = OptionalLong.of(bytes);
            return this;
        }

        public Builder physBits(int bits) {
            this.physBits = bits;
            return this;
        }

        public Builder amdCpu(boolean amd) {
            this.cpuVendorAmd = amd;
            return this;
        }

        public Builder longMode(boolean longMode) {
            this.cpuLongMode = longMode;
            return this;
        }

        public Builder maxRamBelow4g(long bytes) {
            this.maxRamBelow4g = bytes;
            return this;
        }

        public LayoutInput build() {
            return new LayoutInput(machine, qemuVersion, ramBytes, maxMemBytes, slots, pciHole64Bytes, physBits,
                    cpuVendorAmd, cpuLongMode, maxRamBelow4g);
        }
    }
}
