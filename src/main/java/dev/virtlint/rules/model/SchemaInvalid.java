package dev.virtlint.rules.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.virtlint.rules.EditDistance;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.FindingBuilder;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.schema.DomainSchema;
import dev.virtlint.schema.SchemaCheck;
import dev.virtlint.schema.SchemaViolation;
import dev.virtlint.schema.SchemaViolation.Kind;
import dev.virtlint.xml.Span;
import dev.virtlint.xml.XmlAttribute;
import dev.virtlint.xml.XmlElement;

/**
 * The domain against libvirt's own RELAX NG schema (what {@code virt-xml-validate} and {@code virsh define
 * --validate} check), with each violation at the element or attribute that causes it and, for a name libvirt does
 * not know there, the names it expects and the closest of them.
 */
@RuleInfo(id = "VL010", name = "schema-invalid", severity = Severity.ERROR, family = Family.MODEL,
        summary = "XML libvirt's schema rejects: virsh define --validate refuses it, plain virsh define drops"
                + " unknown elements and attributes without a word")
public final class SchemaInvalid implements Rule {
    /** How many allowed names a message lists before it says how many more there are. */
    private static final int LISTED_NAMES = 12;
    private static final String DROPPED = "Plain 'virsh define' drops it without a word; 'virsh define --validate'"
            + " refuses the file";
    private static final String REFUSED = "'virsh define --validate' refuses the file";
    /** The values Jing lists in "must be equal to "a", "b" or "c"", for a suggestion among them. */
    private static final Pattern ALLOWED_VALUES = Pattern.compile("must be equal to (.*)$");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]*)\"");
    /** Between two of Jing's alternatives: "must match "…" or must be equal to …". */
    private static final Pattern ALTERNATIVES = Pattern.compile(" or (?=must )");

    @Override
    public List<Finding> check(LintContext context) {
        SchemaCheck check = SchemaCheck.of(context.domain().document(), context.libvirtSchemas());
        if (check.unavailable().isPresent()) {
            if (DomainSchema.notInstalledHere(context.libvirtSchemas())) {
                return List.of();
            }
            context.couldNotCheckWithoutHost(this, "libvirt's domain schema: " + check.unavailable().get()
                    + "; give --libvirt-schemas DIR where another libvirt keeps it");
            return List.of();
        }
        List<Finding> findings = new ArrayList<>();
        for (SchemaViolation violation : check.violations()) {
            if (!reportedAsInvalidValue(context, violation)) {
                findings.add(finding(context, violation));
            }
        }
        return findings;
    }

    /** A bad value VL000 already reports (with what libvirt's parser says about it) is not reported twice. */
    private static boolean reportedAsInvalidValue(LintContext context, SchemaViolation violation) {
        Span value = switch (violation.kind()) {
            case INVALID_ATTRIBUTE_VALUE -> violation.attribute().orElseThrow().valueSpan();
            case INVALID_TEXT -> violation.element().content();
            default -> null;
        };
        return value != null && context.domain().problems().stream()
                .anyMatch(problem -> problem.span().start() >= value.start() && problem.span().end() <= value.end());
    }

    private Finding finding(LintContext context, SchemaViolation violation) {
        XmlElement element = violation.element();
        Optional<XmlAttribute> attribute = violation.attribute();
        FindingBuilder builder = switch (violation.kind()) {
            case UNKNOWN_ELEMENT, MISPLACED_ELEMENT -> context.finding(this, element, elementNotAllowed(violation));
            // The whole name='value', so an editor underlines the name that is wrong.
            case UNKNOWN_ATTRIBUTE -> FindingBuilder.at(meta(), context.source(), attribute.orElseThrow().span(),
                    attributeNotAllowed(violation));
            case INVALID_ATTRIBUTE_VALUE -> context.finding(this, attribute.orElseThrow(), invalidValue(violation));
            case MISSING_ATTRIBUTES -> context.finding(this, element, missingAttributes(violation));
            case INCOMPLETE_ELEMENT -> context.finding(this, element, incomplete(violation));
            case INVALID_TEXT -> context.finding(this, element, sentences(tag(element) + " holds text libvirt's schema"
                    + " does not allow there" + colonDetail(violation), REFUSED));
        };
        builder.data("violation", violation.kind().name().toLowerCase(java.util.Locale.ROOT))
                .data("validator", stableValidatorMessage(violation.validatorMessage()));
        return builder.build();
    }

    private static String elementNotAllowed(SchemaViolation violation) {
        XmlElement element = violation.element();
        String where = element.parent().map(parent -> " in " + tag(parent)).orElse("");
        if (violation.kind() == Kind.MISPLACED_ELEMENT && hasEarlierTwin(element)) {
            return sentences("libvirt allows one " + tag(element) + where + ", and this is another", DROPPED);
        }
        StringBuilder message = new StringBuilder();
        if (violation.kind() == Kind.UNKNOWN_ELEMENT) {
            message.append("libvirt has no element ").append(tag(element)).append(where);
        } else {
            message.append(tag(element)).append(" does not belong").append(where.isEmpty() ? " at the top"
                    : " directly" + where);
        }
        List<String> closest = EditDistance.closest(element.qualifiedName(), violation.expected());
        if (!closest.isEmpty()) {
            message.append(": did you mean ").append(orList(closest.stream().map(SchemaInvalid::tag).toList()))
                    .append('?');
        } else if (!violation.expected().isEmpty()) {
            message.append("; libvirt expects here ").append(orList(violation.expected().stream()
                    .map(SchemaInvalid::tag).toList()));
        }
        return sentences(message.toString(), DROPPED);
    }

    private static String attributeNotAllowed(SchemaViolation violation) {
        XmlAttribute attribute = violation.attribute().orElseThrow();
        String on = tag(violation.element());
        if (violation.expected().isEmpty()) {
            boolean first = violation.element().attributes().stream()
                    .filter(other -> !other.isNamespaceDeclaration()).findFirst().orElseThrow() == attribute;
            return sentences("libvirt allows no attribute '" + attribute.qualifiedName() + "' on " + on + " here"
                    + (first ? ": it takes no attributes there" : ", nor any other besides those before it"), DROPPED);
        }
        StringBuilder message = new StringBuilder("libvirt allows no attribute '").append(attribute.qualifiedName())
                .append("' on ").append(on).append(" here");
        List<String> closest = EditDistance.closest(attribute.qualifiedName(), violation.expected());
        if (closest.isEmpty()) {
            message.append("; it allows ").append(orList(violation.expected().stream().map(name -> "'" + name + "'")
                    .toList()));
        } else {
            message.append(": did you mean ").append(orList(closest.stream().map(name -> "'" + name + "'").toList()))
                    .append('?');
        }
        return sentences(message.toString(), DROPPED);
    }

    private static String invalidValue(SchemaViolation violation) {
        XmlAttribute attribute = violation.attribute().orElseThrow();
        String detail = detail(violation.validatorMessage());
        StringBuilder message = new StringBuilder("libvirt does not accept ").append(attribute.qualifiedName())
                .append("='").append(attribute.value()).append("' on ").append(tag(violation.element()));
        Matcher allowed = ALLOWED_VALUES.matcher(violation.validatorMessage());
        List<String> closest = List.of();
        if (allowed.find() && !attribute.value().isEmpty()) {
            closest = EditDistance.closest(attribute.value(), allowedValues(allowed.group(1)));
        }
        if (closest.isEmpty()) {
            message.append(detail.isEmpty() ? "" : ": " + detail);
        } else {
            message.append(detail.isEmpty() ? "" : " (" + detail + ")").append(": did you mean ")
                    .append(orList(closest.stream().map(value -> "'" + value + "'").toList())).append('?');
        }
        return sentences(message.toString(), REFUSED);
    }

    private static String missingAttributes(SchemaViolation violation) {
        String on = tag(violation.element());
        if (violation.required().isEmpty()) {
            return sentences(on + " lacks an attribute libvirt requires" + colonDetail(violation),
                    REFUSED);
        }
        return sentences(on + " lacks " + andList(violation.required().stream().map(name -> "'" + name + "'")
                .toList()) + ", which libvirt requires there", REFUSED);
    }

    private static String incomplete(SchemaViolation violation) {
        String on = tag(violation.element());
        if (!violation.required().isEmpty()) {
            return sentences(on + " lacks " + andList(violation.required().stream().map(SchemaInvalid::tag).toList())
                    + ", which libvirt requires in it", REFUSED);
        }
        if (!violation.expected().isEmpty()) {
            return sentences(on + " is incomplete: libvirt expects one of " + orList(violation.expected().stream()
                    .map(SchemaInvalid::tag).toList()) + " in it", REFUSED);
        }
        return sentences(on + " is incomplete" + colonDetail(violation), REFUSED);
    }

    /**
     * What Jing said after the semicolon ("must be equal to …", "expected …"), the part that is not a location,
     * with its regular-expression wording shortened. Jing lists a choice's alternatives, and an enumeration's values,
     * in the order of its hash tables, which differs from run to run; they are sorted, so that the same file gives
     * the same message every time (a pre-commit hook or CI diffs them).
     */
    static String detail(String validatorMessage) {
        int semicolon = validatorMessage.indexOf("; ");
        if (semicolon < 0) {
            return "";
        }
        return sorted(validatorMessage.substring(semicolon + 2)
                .replace("must be a string matching the regular expression ", "must match "));
    }

    /** Jing's message as data, its alternatives and values sorted as in {@link #detail}, its wording kept. */
    static String stableValidatorMessage(String validatorMessage) {
        int semicolon = validatorMessage.indexOf("; ");
        return semicolon < 0 ? validatorMessage
                : validatorMessage.substring(0, semicolon + 2) + sorted(validatorMessage.substring(semicolon + 2));
    }

    private static String sorted(String alternatives) {
        return ALTERNATIVES.splitAsStream(alternatives).map(SchemaInvalid::withSortedValues).sorted()
                .collect(Collectors.joining(" or "));
    }

    private static String withSortedValues(String alternative) {
        Matcher allowed = ALLOWED_VALUES.matcher(alternative);
        if (!allowed.matches()) {
            return alternative;
        }
        return "must be equal to " + joined(allowedValues(allowed.group(1)).stream()
                .map(value -> "\"" + value + "\"").toList(), " or ");
    }

    /** The quoted values of "must be equal to "a", "b" or "c"", sorted. */
    private static List<String> allowedValues(String list) {
        List<String> values = new ArrayList<>();
        Matcher quoted = QUOTED.matcher(list);
        while (quoted.find()) {
            values.add(quoted.group(1));
        }
        Collections.sort(values);
        return values;
    }

    private static String colonDetail(SchemaViolation violation) {
        String detail = detail(violation.validatorMessage());
        return detail.isEmpty() ? "" : ": " + detail;
    }

    /** The finding's statement, then what libvirt does about it, as a second sentence. */
    private static String sentences(String statement, String consequence) {
        return statement + (statement.endsWith("?") ? " " : ". ") + consequence;
    }

    private static boolean hasEarlierTwin(XmlElement element) {
        for (XmlElement sibling : element.parent().map(XmlElement::children).orElse(List.of())) {
            if (sibling == element) {
                return false;
            }
            if (sibling.qualifiedName().equals(element.qualifiedName())) {
                return true;
            }
        }
        return false;
    }

    private static String tag(XmlElement element) {
        return tag(element.qualifiedName());
    }

    private static String tag(String name) {
        return "<" + name + ">";
    }

    /** "a, b or c"; a long list is cut short with how many it leaves out. */
    private static String orList(List<String> items) {
        if (items.size() <= LISTED_NAMES) {
            return joined(items, " or ");
        }
        return String.join(", ", items.subList(0, LISTED_NAMES)) + " or " + (items.size() - LISTED_NAMES)
                + " others";
    }

    private static String andList(List<String> items) {
        return joined(items, " and ");
    }

    private static String joined(List<String> items, String lastSeparator) {
        if (items.size() <= 1) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + lastSeparator + items.get(items.size() - 1);
    }
}
