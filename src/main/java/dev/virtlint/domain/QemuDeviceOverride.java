package dev.virtlint.domain;

import java.util.List;

import dev.virtlint.xml.XmlElement;

/** {@code <qemu:override><qemu:device alias><qemu:frontend><qemu:property .../>}. */
public record QemuDeviceOverride(XmlElement element, String alias, List<QemuProperty> properties) {
}
