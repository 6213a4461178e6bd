package dev.virtlint.domain;

import dev.virtlint.xml.XmlElement;

/** One {@code <qemu:arg value/>} of a {@code qemu:commandline} block. */
public record QemuArg(XmlElement element, String value) {
}
