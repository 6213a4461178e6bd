package dev.virtlint.domain;

import java.util.Optional;

import dev.virtlint.xml.XmlElement;

/** {@code <rom bar file enabled/>} of a device. */
public record Rom(XmlElement element, Optional<String> bar, Optional<String> file, Optional<String> enabled) {
}
