package dev.virtlint.domain;

import java.util.Optional;

import dev.virtlint.xml.XmlElement;

/** {@code <qemu:property name type value/>} of a {@code qemu:override} device frontend. */
public record QemuProperty(XmlElement element, String name, Optional<String> type, Optional<String> value) {
}
