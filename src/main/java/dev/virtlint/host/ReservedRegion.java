package dev.virtlint.host;

/**
 * One line of {@code /sys/kernel/iommu_groups/<N>/reserved_regions}: an inclusive IOVA range the group's
 * devices cannot use for DMA, and why ({@code direct}, {@code direct-relaxable}, {@code msi}, {@code reserved}).
 */
public record ReservedRegion(long start, long end, String type) {

    /** Whether this region spans all of {@code [from, to]} (inclusive, unsigned). */
    public boolean covers(long from, long to) {
        return Long.compareUnsigned(start, from) <= 0 && Long.compareUnsigned(end, to) >= 0;
    }
}
