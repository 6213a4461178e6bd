package dev.virtlint.host;

import java.util.Locale;

/** The vendor classes the address-space rules distinguish. */
public enum CpuVendor {
    AMD, INTEL, OTHER;

    /**
     * From {@code /proc/cpuinfo}'s {@code vendor_id}. Only the exact string {@code AuthenticAMD} is AMD: QEMU's
     * 1 TiB hole rule matches nothing else, so a Hygon CPU ({@code HygonGenuine}) is {@link #OTHER}.
     */
    public static CpuVendor fromVendorId(String vendorId) {
        return switch (vendorId) {
            case "AuthenticAMD" -> AMD;
            case "GenuineIntel" -> INTEL;
            default -> OTHER;
        };
    }

    /** From libvirt's capabilities {@code <host><cpu><vendor>}: {@code AMD}, {@code Intel}, {@code Hygon}. */
    public static CpuVendor fromLibvirtName(String name) {
        return switch (name) {
            case "AMD" -> AMD;
            case "Intel" -> INTEL;
            default -> OTHER;
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** "an AMD host", "an Intel host": how messages name a host of this vendor. */
    public String hostPhrase() {
        return switch (this) {
            case AMD -> "an AMD host";
            case INTEL -> "an Intel host";
            case OTHER -> "a host of another vendor";
        };
    }
}
