package dev.virtlint.domain;

import java.util.Optional;

import dev.virtlint.xml.XmlElement;

/** {@code <sysinfo type='fwcfg'><entry name file>value</entry>}. */
public record FwCfgEntry(XmlElement element, String name, Optional<String> value, Optional<String> file) {
}
