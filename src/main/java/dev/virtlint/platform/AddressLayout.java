package dev.virtlint.platform;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * Predicts QEMU's x86 pc/q35 guest-physical layout and its start-up checks (knowledge file
 * {@code qemu-address-space.md} §1, §2, §8). Pure arithmetic on unsigned 64-bit values; nothing wraps: a layout that
 * passes 2^64 is reported as {@link StartError.Kind#ADDRESS_SPACE_OVERFLOW}.
 */
public final class AddressLayout {

    public static final long GIB = 1L << 30;
    public static final long FOUR_GIB = 4 * GIB;
    public static final long AMD_HT_START = 0xFD_0000_0000L;
    public static final long AMD_HT_END = 0xFF_FFFF_FFFFL;
    public static final long AMD_ABOVE_1TB_START = 0x100_0000_0000L;
    /** QEMU reserves the HT range in e820 only for vCPUs whose address space reaches it. */
    public static final int AMD_HT_RESERVATION_MIN_PHYS_BITS = 40;

    private static final long Q35_LOWMEM_SMALL_GUEST = 0xB000_0000L;
    private static final long Q35_LOWMEM_LARGE_GUEST = 0x8000_0000L;
    private static final long I440FX_DEFAULT_MAX_RAM_BELOW_4G = 0xE000_0000L;
    private static final long I440FX_GIGABYTE_ALIGNED_LOWMEM = 0xC000_0000L;
    private static final int MAX_RAM_SLOTS = 256;
    private static final long PAGE_SIZE = 4096;
    private static final int MIN_LONG_MODE_PHYS_BITS = 32;
    private static final int MAX_LONG_MODE_PHYS_BITS = 52;
    /** Upper bound of the maxmem searches: the largest page multiple a signed long holds. */
    private static final long LARGEST_SEARCHED_MAX_MEMORY = Long.MAX_VALUE & -PAGE_SIZE;

    private AddressLayout() {
    }

    /** Computes the layout and every start error that follows from {@code input}. */
    public static AddressMap compute(LayoutInput input) {
        Layout layout = layout(input);
        List<StartError> errors = startErrors(input, layout);
        AddressMap.Outcome outcome = errors.isEmpty()
                ? AddressMap.Outcome.STARTS
                : errors.get(0).kind().printedByQemu() ? AddressMap.Outcome.FAILS : AddressMap.Outcome.UNDEFINED;
        boolean htReserved = amdHtReservationMissing(input).isEmpty();
        return new AddressMap(
                regions(layout, htReserved),
                layout.below,
                layout.above,
                layout.above4gStart,
                layout.relocated,
                htReserved,
                layout.reservedMemoryEnd,
                layout.hole64Start,
                layout.hole64Size,
                layout.hole64EndInclusive,
                layout.maxUsedGpa,
                layout.overflow == null ? bitLength(layout.maxUsedGpa) : Long.SIZE + 1,
                input.physBits(),
                input.qemuVersion().isAtLeast(7, 1),
                outcome,
                errors);
    }

    /**
     * Why QEMU adds no e820 reserved entry for AMD's HyperTransport range 0xFD00000000-0xFFFFFFFFFF, said after "and
     * here"; empty when it adds one. {@code pc_memory_init} ({@code hw/i386/pc.c}, from QEMU 7.1: commits 8504f129450b
     * and b3e6982b4154) adds it for an AMD vCPU with 40 or more phys-bits on a machine type whose
     * {@code enforce_amd_1tb_hole} is set: upstream types 7.1 and later (the 7.0 options clear it for every older
     * one), RHEL's from rhel9.2.0 and Ubuntu's from lunar, whose bases are 7.1 or later. Relocating RAM to 1 TiB is not
     * needed for it. OVMF 2023.02 and later move their dynamic window below this entry, and only below an e820 entry.
     */
    public static Optional<String> amdHtReservationMissing(LayoutInput input) {
        if (!input.qemuVersion().isAtLeast(7, 1)) {
            return Optional.of("QEMU " + input.qemuVersion().series() + " is older than 7.1");
        }
        if (!input.cpuVendorAmd()) {
            return Optional.of("the vCPU is not AMD");
        }
        if (!input.flags().enforceAmd1TbHole()) {
            MachineType machine = input.machine();
            return Optional.of("machine type " + machine.concreteName() + (machine.vendorBuild() == VendorBuild.UPSTREAM
                    ? "" : ", which has the layout of QEMU " + machine.baseVersion().orElseThrow().series() + ",")
                    + " is older than 7.1");
        }
        if (input.physBits() < AMD_HT_RESERVATION_MIN_PHYS_BITS) {
            return Optional.of("the vCPU has " + input.physBits() + " phys-bits, fewer than "
                    + AMD_HT_RESERVATION_MIN_PHYS_BITS);
        }
        return Optional.empty();
    }

    /**
     * The largest {@code maxMemory} (a multiple of 4 KiB, or the initial RAM itself when even the smallest device
     * memory does not fit and no slots are set) whose layout stays within the input's phys-bits, other inputs
     * unchanged: on QEMU 7.1 and later, the largest that still starts. Empty when nothing fits. Errors that do not
     * depend on maxmem (too many slots, phys-bits out of range) are ignored. A result of 2^63 - 4 KiB means maxmem
     * does not bound the layout (machine types with broken_reserved_end).
     */
    public static OptionalLong largestMaxMemoryWithinPhysBits(LayoutInput input) {
        long limit = addressLimit(input.physBits());
        return largestMaxMemory(input, layout -> Long.compareUnsigned(layout.maxUsedGpa, limit) <= 0);
    }

    /**
     * The largest {@code maxMemory} whose layout, placed at 4 GiB, ends below the AMD HyperTransport hole: for an AMD
     * vCPU on a machine type enforcing the 1 TiB rule, the largest that avoids relocation; for any other vCPU, the
     * largest that keeps guest memory and the 64-bit hole out of the HT range.
     */
    public static OptionalLong largestMaxMemoryBelowAmdHtHole(LayoutInput input) {
        return largestMaxMemory(input, layout -> !layout.relocated && Long.compareUnsigned(layout.maxUsedGpa, AMD_HT_START) < 0);
    }

    /**
     * The smallest phys-bits (32..52) whose address space holds the whole layout, 64-bit PCI hole included. Empty for
     * 32-bit vCPUs, whose phys-bits cannot be set, and when even 52 bits are too few. (QEMU 7.1 to 8.1 skip the check
     * at exactly 32 bits; that loophole is not offered as an answer.)
     */
    public static OptionalInt smallestPhysBits(LayoutInput input) {
        if (!input.cpuLongMode()) {
            return OptionalInt.empty();
        }
        for (int bits = MIN_LONG_MODE_PHYS_BITS; bits <= MAX_LONG_MODE_PHYS_BITS; bits++) {
            Layout layout = layout(input.withPhysBits(bits));
            long limit = addressLimit(bits);
            if (layout.overflow == null
                    && Long.compareUnsigned(layout.hole64EndInclusive, limit) <= 0
                    && Long.compareUnsigned(layout.maxUsedGpa, limit) <= 0) {
                return OptionalInt.of(bits);
            }
        }
        return OptionalInt.empty();
    }

    /** 2^bits - 1, the last address {@code bits} address bits reach (all ones from 64 bits up). */
    public static long addressLimit(int physBits) {
        return physBits >= Long.SIZE ? -1L : (1L << physBits) - 1;
    }

    /** maxUsedGpa never decreases as maxmem grows (relocation only moves it up), so the fitting maxmems form a prefix. */
    private static OptionalLong largestMaxMemory(LayoutInput input, Predicate<Layout> fits) {
        long ram = input.ramBytes();
        if (ram < 0) {
            return OptionalLong.empty();
        }
        long smallest = input.slots() > 0 ? alignUpToPage(ram + 1) : ram;
        if (smallest > LARGEST_SEARCHED_MAX_MEMORY || !fitsWithMaxMemory(input, smallest, fits)) {
            return OptionalLong.empty();
        }
        long lowPage = smallest / PAGE_SIZE + 1;
        long highPage = LARGEST_SEARCHED_MAX_MEMORY / PAGE_SIZE;
        if (lowPage > highPage || !fitsWithMaxMemory(input, lowPage * PAGE_SIZE, fits)) {
            return OptionalLong.of(smallest);
        }
        while (lowPage < highPage) {
            long middle = lowPage + (highPage - lowPage + 1) / 2;
            if (fitsWithMaxMemory(input, middle * PAGE_SIZE, fits)) {
                lowPage = middle;
            } else {
                highPage = middle - 1;
            }
        }
        return OptionalLong.of(lowPage * PAGE_SIZE);
    }

    private static boolean fitsWithMaxMemory(LayoutInput input, long maxMemory, Predicate<Layout> fits) {
        Layout layout = layout(input.withMaxMemory(maxMemory));
        return layout.overflow == null && fits.test(layout);
    }

    private static long alignUpToPage(long bytes) {
        return (bytes + PAGE_SIZE - 1) & -PAGE_SIZE;
    }

    private static int bitLength(long value) {
        return Math.max(1, Long.SIZE - Long.numberOfLeadingZeros(value));
    }

    /** The numbers of one layout. Fields after an overflow hold {@link Arithmetic#SATURATED}. */
    private static final class Layout {
        long below;
        long above;
        long above4gStart = FOUR_GIB;
        boolean relocated;
        boolean hasDeviceMemory;
        long deviceMemoryBase;
        long deviceMemorySize;
        long hole64Start;
        long hole64Size;
        long hole64EndInclusive;
        long maxUsedGpa;
        OptionalLong reservedMemoryEnd = OptionalLong.empty();
        /** The first step that passed 2^64, or null. */
        String overflow;
        /** False when the step placing RAM above 4 GiB already overflowed. */
        boolean ramAbove4gPlaced;
    }

    /** Unsigned 64-bit arithmetic that saturates and remembers the first step that passed 2^64 - 1. */
    private static final class Arithmetic {
        static final long SATURATED = -1L;
        String firstOverflow;

        long add(long augend, long addend, String step) {
            if (firstOverflow != null) {
                return SATURATED;
            }
            long sum = augend + addend;
            if (Long.compareUnsigned(sum, augend) < 0) {
                firstOverflow = String.format("%s (0x%x + 0x%x)", step, augend, addend);
                return SATURATED;
            }
            return sum;
        }

        long roundUpToGiB(long value, String step) {
            if (firstOverflow != null) {
                return SATURATED;
            }
            if (Long.compareUnsigned(value, -GIB) > 0) {
                firstOverflow = String.format("%s (0x%x rounded up to 1 GiB)", step, value);
                return SATURATED;
            }
            return (value + GIB - 1) & -GIB;
        }
    }

    private static Layout layout(LayoutInput input) {
        LayoutFlags flags = input.flags();
        Layout layout = new Layout();
        layout.below = ramBelow4g(input, flags);
        layout.above = input.ramBytes() - layout.below;
        layout.hasDeviceMemory = flags.hasReservedMemory() && Long.compareUnsigned(input.ramBytes(), input.maxMemBytes()) < 0;
        layout.hole64Size = input.pciHole64Size();

        // §2.1: the relocation decision evaluates pc_max_used_gpa() with RAM above 4 GiB still at 4 GiB.
        if (input.qemuVersion().isAtLeast(7, 1) && input.cpuVendorAmd() && flags.enforceAmd1TbHole()) {
            Arithmetic probe = new Arithmetic();
            place(input, flags, layout, FOUR_GIB, probe);
            if (probe.firstOverflow == null && Long.compareUnsigned(layout.maxUsedGpa, AMD_HT_START) >= 0) {
                layout.relocated = true;
                layout.above4gStart = AMD_ABOVE_1TB_START;
            }
        }
        Arithmetic arithmetic = new Arithmetic();
        place(input, flags, layout, layout.above4gStart, arithmetic);
        layout.overflow = arithmetic.firstOverflow;
        return layout;
    }

    /** §1.2: how much RAM sits below 4 GiB. */
    private static long ramBelow4g(LayoutInput input, LayoutFlags flags) {
        long ram = input.ramBytes();
        // An out-of-range max-ram-below-4g stops QEMU before any layout; the default keeps the map meaningful.
        long requested = Long.compareUnsigned(input.maxRamBelow4g(), FOUR_GIB) > 0 ? 0 : input.maxRamBelow4g();
        long lowmem;
        if (flags.family() == MachineFamily.Q35) {
            lowmem = Long.compareUnsigned(ram, Q35_LOWMEM_SMALL_GUEST) >= 0 ? Q35_LOWMEM_LARGE_GUEST : Q35_LOWMEM_SMALL_GUEST;
            long maxRamBelow4g = requested == 0 ? FOUR_GIB : requested;
            lowmem = Math.min(lowmem, maxRamBelow4g);
        } else {
            lowmem = requested == 0 ? I440FX_DEFAULT_MAX_RAM_BELOW_4G : requested;
            if (Long.compareUnsigned(ram, lowmem) >= 0 && flags.gigabyteAlign()) {
                lowmem = Math.min(lowmem, I440FX_GIGABYTE_ALIGNED_LOWMEM);
            }
        }
        return Long.compareUnsigned(ram, lowmem) >= 0 ? lowmem : ram;
    }

    /** §1.3-§1.6 with RAM above 4 GiB starting at {@code start}: device memory, 64-bit hole, pc_max_used_gpa(). */
    private static void place(LayoutInput input, LayoutFlags flags, Layout layout, long start, Arithmetic arithmetic) {
        long above4gEnd = arithmetic.add(start, layout.above, "end of RAM above 4 GiB");
        layout.ramAbove4gPlaced = arithmetic.firstOverflow == null;
        long hole64Base = above4gEnd;
        long endOfMemory = above4gEnd - 1;
        layout.reservedMemoryEnd = OptionalLong.empty();
        if (layout.hasDeviceMemory) {
            long slotPadding = flags.alignedDimm() ? input.slots() * GIB : 0;
            layout.deviceMemoryBase = arithmetic.roundUpToGiB(above4gEnd, "device-memory base");
            layout.deviceMemorySize = arithmetic.add(input.maxMemBytes() - input.ramBytes(), slotPadding,
                    "device-memory size, (maxmem - RAM) + slots x 1 GiB");
            long deviceMemoryEnd = arithmetic.add(layout.deviceMemoryBase, layout.deviceMemorySize, "device-memory end");
            hole64Base = flags.brokenReservedEnd() ? layout.deviceMemoryBase : deviceMemoryEnd;
            layout.reservedMemoryEnd = OptionalLong.of(flags.brokenReservedEnd()
                    ? layout.deviceMemoryBase
                    : arithmetic.roundUpToGiB(deviceMemoryEnd, "etc/reserved-memory-end"));
            endOfMemory = deviceMemoryEnd - 1;
        }
        layout.hole64Start = arithmetic.roundUpToGiB(hole64Base, "64-bit PCI hole start");
        // QEMU computes start + size - 1, which is exact up to a last address of 2^64 - 1 (verified on 10.0.2).
        layout.hole64EndInclusive = layout.hole64Size == 0
                ? layout.hole64Start - 1
                : arithmetic.add(layout.hole64Start, layout.hole64Size - 1, "end of the 64-bit PCI hole");
        layout.maxUsedGpa = maxUsedGpa(input, flags, layout.hole64EndInclusive, endOfMemory);
        if (arithmetic.firstOverflow != null) {
            layout.maxUsedGpa = Arithmetic.SATURATED;
            layout.hole64EndInclusive = Arithmetic.SATURATED;
        }
    }

    /**
     * §1.6: {@code pc_max_used_gpa()} of the binary. {@code endOfMemory} is the last address of device memory, or of
     * RAM above 4 GiB without device memory; it only matters for 32-bit vCPUs on 8.2+. Binaries before 7.1 have no
     * such function; they get the 8.2 rule, which is what the guest really uses.
     */
    private static long maxUsedGpa(LayoutInput input, LayoutFlags flags, long hole64EndInclusive, long endOfMemory) {
        Version qemu = input.qemuVersion();
        if (qemu.isAtLeast(7, 1) && !qemu.isAtLeast(8, 2)) {
            return input.physBits() <= 32 ? addressLimit(input.physBits()) : hole64EndInclusive;
        }
        if (input.cpuLongMode()) {
            return hole64EndInclusive;
        }
        return flags.broken32bitMemAddrCheck() ? addressLimit(input.physBits()) : endOfMemory;
    }

    /** §8, in the order QEMU evaluates them: -m parsing, machine options, CPU realize, pc_memory_init. */
    private static List<StartError> startErrors(LayoutInput input, Layout layout) {
        List<StartError> errors = new ArrayList<>(2);
        long ram = input.ramBytes();
        long maxMem = input.maxMemBytes();
        int slots = input.slots();
        if (slots > 0 && maxMem == 0) {
            errors.add(new StartError(StartError.Kind.SLOTS_WITHOUT_MAXMEM, "slots specified but no max-size"));
        } else if (maxMem != 0 && Long.compareUnsigned(maxMem, ram) < 0) {
            errors.add(new StartError(StartError.Kind.MAXMEM_BELOW_RAM, String.format(
                    "invalid value of maxmem: maximum memory size (0x%x) must be at least the initial memory size (0x%x)",
                    maxMem, ram)));
        } else if (maxMem == ram && slots > 0) {
            errors.add(new StartError(StartError.Kind.MAXMEM_EQUALS_RAM_WITH_SLOTS, String.format(
                    "invalid value of maxmem: memory slots were specified but maximum memory size (0x%x) is equal to"
                            + " the initial memory size (0x%x)", maxMem, ram)));
        }
        if (Long.compareUnsigned(input.maxRamBelow4g(), FOUR_GIB) > 0) {
            errors.add(new StartError(StartError.Kind.MAX_RAM_BELOW_4G_TOO_LARGE, String.format(
                    "Machine option 'max-ram-below-4g=%s' expects size less than or equal to 4G",
                    Long.toUnsignedString(input.maxRamBelow4g()))));
        }
        boolean physBitsInRange = !input.cpuLongMode()
                || (input.physBits() >= MIN_LONG_MODE_PHYS_BITS && input.physBits() <= MAX_LONG_MODE_PHYS_BITS);
        if (!physBitsInRange) {
            errors.add(new StartError(StartError.Kind.PHYS_BITS_OUT_OF_RANGE, String.format(
                    "phys-bits should be between %d and %d  (but is %d)",
                    MIN_LONG_MODE_PHYS_BITS, MAX_LONG_MODE_PHYS_BITS, input.physBits())));
        }
        if (layout.overflow != null) {
            errors.add(new StartError(StartError.Kind.ADDRESS_SPACE_OVERFLOW,
                    "the memory layout passes the end of the 64-bit address space at the " + layout.overflow
                            + "; QEMU's own arithmetic wraps there, so it may abort, refuse the maxmem, or start with a"
                            + " wrapped layout"));
        } else if (physBitsInRange && input.qemuVersion().isAtLeast(7, 1)
                && Long.compareUnsigned(layout.maxUsedGpa, addressLimit(input.physBits())) > 0) {
            errors.add(new StartError(StartError.Kind.PHYS_BITS_TOO_LOW, String.format(
                    "Address space limit 0x%x < 0x%x phys-bits too low (%d)",
                    addressLimit(input.physBits()), layout.maxUsedGpa, input.physBits())));
        }
        LayoutFlags flags = input.flags();
        if (!flags.hasReservedMemory() && (slots > 0 || Long.compareUnsigned(maxMem, ram) > 0)) {
            errors.add(new StartError(StartError.Kind.MEMORY_HOTPLUG_UNSUPPORTED,
                    "\"-memory 'slots|maxmem'\" is not supported by: " + input.machine().concreteName()));
        }
        if (layout.hasDeviceMemory) {
            if (slots > MAX_RAM_SLOTS) {
                errors.add(new StartError(StartError.Kind.TOO_MANY_SLOTS, "unsupported amount of memory slots: " + slots));
            }
            if ((maxMem & (PAGE_SIZE - 1)) != 0) {
                errors.add(new StartError(StartError.Kind.MAXMEM_UNALIGNED,
                        "maximum memory size must by aligned to multiple of " + PAGE_SIZE + " bytes"));
            }
        }
        return errors;
    }

    private static List<Region> regions(Layout layout, boolean htReserved) {
        List<Region> regions = new ArrayList<>(5);
        regions.add(new Region(Region.RAM_BELOW_4G, 0, layout.below - 1, "guest RAM"));
        if (layout.above != 0 && layout.ramAbove4gPlaced) {
            regions.add(new Region(Region.RAM_ABOVE_4G, layout.above4gStart, layout.above4gStart + layout.above - 1,
                    layout.relocated ? "guest RAM, relocated to 1 TiB past the AMD HyperTransport hole" : "guest RAM"));
        }
        if (layout.overflow == null) {
            if (layout.hasDeviceMemory && layout.deviceMemorySize != 0) {
                regions.add(new Region(Region.DEVICE_MEMORY, layout.deviceMemoryBase,
                        layout.deviceMemoryBase + layout.deviceMemorySize - 1,
                        "memory hotplug area: maxMemory - memory, plus 1 GiB per slot"));
            }
            if (layout.hole64Size != 0) {
                regions.add(new Region(Region.PCI_HOLE64, layout.hole64Start, layout.hole64EndInclusive,
                        "64-bit PCI hole (pci-hole64-size)"));
            }
        }
        if (htReserved) {
            regions.add(new Region(Region.AMD_HT_HOLE, AMD_HT_START, AMD_HT_END,
                    "AMD HyperTransport range, reserved in the e820 map"));
        } else {
            List<String> overlapping = regions.stream()
                    .filter(region -> region.overlaps(AMD_HT_START, AMD_HT_END))
                    .map(Region::name)
                    .toList();
            if (!overlapping.isEmpty()) {
                regions.add(new Region(Region.AMD_HT_HOLE, AMD_HT_START, AMD_HT_END,
                        "AMD HyperTransport range, not reserved; overlapped by " + String.join(", ", overlapping)));
            }
        }
        regions.sort(Comparator.comparing(Region::start, Long::compareUnsigned)
                .thenComparing(Region::endInclusive, Long::compareUnsigned));
        return regions;
    }
}
