package dev.virtlint.host;

import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.PciAddress;

/**
 * {@code /sys/kernel/iommu_groups/<number>}: the smallest set of devices VFIO can hand to a guest together.
 * Members that are not PCI functions (ACPI platform devices such as {@code AMDI0040:00}) are kept by name.
 * {@code reservedRegions} is absent when the file is missing or malformed.
 */
public record IommuGroup(int number, List<PciAddress> pciDevices, List<String> otherDevices,
                         Optional<List<ReservedRegion>> reservedRegions) {

    public IommuGroup {
        pciDevices = List.copyOf(pciDevices);
        otherDevices = List.copyOf(otherDevices);
        reservedRegions = reservedRegions.map(List::copyOf);
    }
}
