package dev.virtlint.firmware;

/**
 * The I/O ports OVMF hands out to PCI devices and bridges, which it chooses by the host bridge it finds (edk2
 * {@code OvmfPkg/Library/PlatformInitLib/Platform.c}, PlatformMemMapInitialization, the same from edk2-stable202211
 * to c5aa7e7d94): q35 0x6000–0xFFFF, i440fx 0xC000–0xFFFF. Booting OVMF 2022.11 showed both ends: on q35 ten 4 KiB
 * bridge windows fit from 0x6000, on i440fx four from 0xC000 (OvmfOracleTest, docs/verified-stacks.md).
 *
 * @param base first port
 * @param size ports from {@code base}; the aperture ends at 0x10000
 */
public record PciIoAperture(long base, long size) {
    /** Below 0x6000 ICH9's ACPI power-management block and the other fixed ports stay out of PCI's way. */
    public static final PciIoAperture Q35 = new PciIoAperture(0x6000, 0xA000);
    public static final PciIoAperture I440FX = new PciIoAperture(0xC000, 0x4000);

    public PciIoAperture {
        if (base < 0 || size <= 0 || base + size > 0x10000) {
            throw new IllegalArgumentException("not a 16-bit I/O range: base " + base + ", size " + size);
        }
    }

    /** The first port past the aperture. */
    public long end() {
        return base + size;
    }
}
