package dev.virtlint.domain;

import dev.virtlint.xml.XmlElement;

/** A memory amount and the element it was read from. */
public record Sized(MemorySize size, XmlElement element) {
    public long bytes() {
        return size.bytes();
    }
}
