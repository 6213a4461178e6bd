package dev.virtlint.domain;

import java.util.Optional;

import dev.virtlint.xml.XmlElement;

/** {@code <os><loader readonly type secure>path</loader>}. */
public record Loader(XmlElement element, Optional<String> path, Optional<String> type, Optional<String> readonly,
                     Optional<String> secure) {
}
