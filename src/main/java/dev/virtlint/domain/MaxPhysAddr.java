package dev.virtlint.domain;

import java.util.Optional;

import dev.virtlint.xml.XmlElement;

/** {@code <cpu><maxphysaddr mode='passthrough|emulate' bits limit/>} (libvirt 8.7; limit 9.3). */
public record MaxPhysAddr(XmlElement element, String mode, Optional<Integer> bits, Optional<Integer> limit) {
}
