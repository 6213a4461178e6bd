package dev.virtlint.domain;

import java.util.Optional;

import dev.virtlint.xml.XmlElement;

/** {@code <cpu><numa><cell id cpus memory unit/>}. */
public record NumaCell(XmlElement element, Optional<String> id, Optional<String> cpus, Optional<MemorySize> memory) {
}
