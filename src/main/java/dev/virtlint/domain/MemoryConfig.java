package dev.virtlint.domain;

import java.util.Optional;

import dev.virtlint.xml.XmlAttribute;

/**
 * {@code <memory>}, {@code <currentMemory>}, {@code <maxMemory slots>} and {@code <memtune><hard_limit>}.
 *
 * @param hardLimit {@code <memtune><hard_limit>}; absent when not given or when it says "unlimited" the way libvirt
 *                  writes it (9007199254740991 KiB, VIR_DOMAIN_MEMORY_PARAM_UNLIMITED)
 */
public record MemoryConfig(Optional<Sized> memory, Optional<Sized> currentMemory, Optional<Sized> maxMemory,
                           Optional<Integer> slots, Optional<XmlAttribute> slotsAttribute, Optional<Sized> hardLimit) {

    /** VIR_DOMAIN_MEMORY_PARAM_UNLIMITED: libvirt's "no limit", in KiB. */
    public static final long UNLIMITED_KIB = 9007199254740991L;
}
