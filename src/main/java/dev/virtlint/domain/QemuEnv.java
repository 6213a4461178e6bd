package dev.virtlint.domain;

import java.util.Optional;

import dev.virtlint.xml.XmlElement;

/** One {@code <qemu:env name value/>} of a {@code qemu:commandline} block: a variable libvirt sets for QEMU. */
public record QemuEnv(XmlElement element, String name, Optional<String> value) {
}
