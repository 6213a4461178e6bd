package dev.virtlint.domain;

import java.util.Optional;

import dev.virtlint.xml.XmlElement;

/** {@code <devices><memory model='dimm|nvdimm|virtio-mem|...'><target><size/><node/></target>}. */
public record MemoryDevice(XmlElement element, String model, Optional<MemorySize> size, Optional<Integer> node) {

    /** DIMMs and NVDIMMs are carved out of {@code <memory>}: libvirt subtracts them from the initial RAM. */
    public boolean isDimmLike() {
        return model.equals("dimm") || model.equals("nvdimm");
    }
}
