package dev.virtlint.domain;

import java.util.List;
import java.util.Optional;

import dev.virtlint.xml.XmlElement;

/**
 * {@code <cpu mode match check>} with its model (and the model's {@code vendor_id} override), vendor,
 * features, {@code <maxphysaddr>} and NUMA cells. Mode defaults to {@code custom} as in libvirt.
 */
public record Cpu(XmlElement element, String mode, Optional<String> model, Optional<XmlElement> modelElement,
                  Optional<String> modelVendorId, Optional<String> vendor, List<CpuFeature> features,
                  Optional<MaxPhysAddr> maxPhysAddr, List<NumaCell> numaCells) {

    public boolean isHostPassthrough() {
        return mode.equals("host-passthrough") || mode.equals("maximum");
    }

    public Optional<CpuFeature> feature(String name) {
        return features.stream().filter(feature -> feature.name().equals(name)).findFirst();
    }
}
