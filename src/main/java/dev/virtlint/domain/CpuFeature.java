package dev.virtlint.domain;

import dev.virtlint.xml.XmlElement;

/** {@code <cpu><feature policy name/>}; libvirt's default policy is {@code require}. */
public record CpuFeature(XmlElement element, String name, String policy) {
}
