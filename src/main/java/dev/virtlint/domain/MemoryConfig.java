package dev.virtlint.domain;

import java.util.Optional;

import dev.virtlint.xml.XmlAttribute;

/** {@code <memory>}, {@code <currentMemory>} and {@code <maxMemory slots>}. */
public record MemoryConfig(Optional<Sized> memory, Optional<Sized> currentMemory, Optional<Sized> maxMemory,
                           Optional<Integer> slots, Optional<XmlAttribute> slotsAttribute) {
}
