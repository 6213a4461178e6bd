package dev.virtlint.domain;

import dev.virtlint.xml.Span;
import dev.virtlint.xml.XmlElement;

/** A value the model builder could not interpret; the part it belongs to is left out of the model. */
public record ModelProblem(XmlElement element, Span span, String message) {
}
