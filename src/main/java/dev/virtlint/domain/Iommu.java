package dev.virtlint.domain;

import java.util.Optional;

import dev.virtlint.xml.XmlElement;

/** {@code <iommu model><driver aw_bits caching_mode intremap eim iotlb/></iommu>}. */
public record Iommu(XmlElement element, String model, Optional<XmlElement> driverElement, Optional<Integer> awBits,
                    Optional<String> cachingMode, Optional<String> intremap, Optional<String> eim,
                    Optional<String> iotlb) {
}
