package dev.virtlint.schema;

import java.util.List;
import java.util.Optional;

import dev.virtlint.xml.XmlAttribute;
import dev.virtlint.xml.XmlElement;

/**
 * One place where a domain departs from libvirt's schema, at the deepest node the validator could blame.
 *
 * @param element   the element that is not allowed, lacks something, or carries the bad attribute or text
 * @param attribute the attribute whose name or value is wrong, for those kinds
 * @param expected  names the schema allows at that point, as written in XML ({@code address}, {@code qemu:arg}):
 *                  child elements for {@link Kind#UNKNOWN_ELEMENT} and {@link Kind#MISPLACED_ELEMENT}, attributes for
 *                  {@link Kind#UNKNOWN_ATTRIBUTE}; empty where the schema allows no names or any name
 * @param required  names the schema requires and the element lacks, for {@link Kind#MISSING_ATTRIBUTES} and
 *                  {@link Kind#INCOMPLETE_ELEMENT}
 * @param validatorMessage what Jing said, which for bad values lists the values or the pattern allowed
 */
public record SchemaViolation(Kind kind, XmlElement element, Optional<XmlAttribute> attribute, List<String> expected,
                              List<String> required, String validatorMessage) {

    public enum Kind {
        /** An element the schema defines nowhere (in libvirt's namespace). */
        UNKNOWN_ELEMENT,
        /** An element the schema defines, but not here (wrong parent, or one too many). */
        MISPLACED_ELEMENT,
        /** An attribute the element does not take. */
        UNKNOWN_ATTRIBUTE,
        /** An attribute whose value the schema does not allow. */
        INVALID_ATTRIBUTE_VALUE,
        /** Required attributes are absent. */
        MISSING_ATTRIBUTES,
        /** Required child elements are absent. */
        INCOMPLETE_ELEMENT,
        /** Text where the schema allows none, or text of the wrong form. */
        INVALID_TEXT
    }

    public SchemaViolation {
        expected = List.copyOf(expected);
        required = List.copyOf(required);
    }
}
