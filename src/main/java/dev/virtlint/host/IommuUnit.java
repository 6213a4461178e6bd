package dev.virtlint.host;

import java.util.Optional;

/** One {@code /sys/class/iommu/<name>} hardware unit. */
public sealed interface IommuUnit permits IntelIommu, AmdIommu {

    String name();

    /** The highest DMA address width this unit can translate; absent when its registers do not say. */
    Optional<Integer> addressWidth();
}
