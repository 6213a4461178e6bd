package dev.virtlint.schema;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import com.thaiopensource.relaxng.match.MatchContext;
import com.thaiopensource.relaxng.match.Matcher;
import com.thaiopensource.relaxng.match.NameClass;
import com.thaiopensource.xml.util.Name;

import dev.virtlint.schema.SchemaViolation.Kind;
import dev.virtlint.xml.XmlAttribute;
import dev.virtlint.xml.XmlDocument;
import dev.virtlint.xml.XmlElement;

/**
 * Feeds the located model to Jing's matcher as a parser would feed it SAX events, so a violation is tied to the
 * element or attribute being matched when it happens, not to a parser's line and column. Jing recovers after each
 * error and stays quiet about what follows from it (the content of an unknown element), so each violation is one
 * mistake.
 */
public final class SchemaValidator {
    private static final String XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace";

    private final DomainSchema schema;
    private final Matcher matcher;
    private final List<SchemaViolation> violations = new ArrayList<>();
    private final Scope scope = new Scope();

    private SchemaValidator(DomainSchema schema) {
        this.schema = schema;
        this.matcher = schema.newMatcher();
    }

    public static List<SchemaViolation> validate(DomainSchema schema, XmlDocument document) {
        SchemaValidator validator = new SchemaValidator(schema);
        validator.matcher.matchStartDocument();
        validator.element(document.root());
        validator.matcher.matchEndDocument();
        return List.copyOf(validator.violations);
    }

    private void element(XmlElement element) {
        // An undeclared prefix makes the file unparseable for libvirt; the loader and VL501 report it, and its
        // content cannot be judged against a namespace it does not have.
        if (XmlDocument.isUndeclaredNamespace(element.namespaceUri())) {
            return;
        }
        XmlElement parentScope = scope.element;
        scope.element = element;
        Name name = new Name(element.namespaceUri(), element.localName());
        String qName = element.qualifiedName();

        Matcher beforeOpen = matcher.copy();
        if (!matcher.matchStartTagOpen(name, qName, scope)) {
            boolean known = element.namespaceUri().isEmpty() && schema.definesElement(element.localName());
            violations.add(new SchemaViolation(known ? Kind.MISPLACED_ELEMENT : Kind.UNKNOWN_ELEMENT, element,
                    Optional.empty(), names(beforeOpen.possibleStartTagNames(), element),
                    qualified(beforeOpen.requiredElementNames(), element), matcher.getErrorMessage()));
        }
        for (XmlAttribute attribute : element.attributes()) {
            if (attribute.isNamespaceDeclaration()) {
                continue;
            }
            Name attributeName = new Name(attribute.namespaceUri(), attribute.localName());
            boolean nameOk = matcher.matchAttributeName(attributeName, attribute.qualifiedName(), scope);
            if (!nameOk) {
                violations.add(new SchemaViolation(Kind.UNKNOWN_ATTRIBUTE, element, Optional.of(attribute),
                        names(matcher.possibleAttributeNames(), element), List.of(), matcher.getErrorMessage()));
            }
            // Called after a bad name too: Jing expects it, and skips the value of a name it refused.
            if (!matcher.matchAttributeValue(attribute.value(), attributeName, attribute.qualifiedName(), scope)
                    && nameOk) {
                violations.add(new SchemaViolation(Kind.INVALID_ATTRIBUTE_VALUE, element, Optional.of(attribute),
                        List.of(), List.of(), matcher.getErrorMessage()));
            }
        }
        Matcher beforeClose = matcher.copy();
        if (!matcher.matchStartTagClose(name, qName, scope)) {
            violations.add(new SchemaViolation(Kind.MISSING_ATTRIBUTES, element, Optional.empty(), List.of(),
                    qualified(beforeClose.requiredAttributeNames(), element), matcher.getErrorMessage()));
        }
        String text = element.text();
        if (!text.isEmpty()) {
            boolean ok = matcher.isTextTyped() && element.children().isEmpty()
                    ? matcher.matchTextBeforeEndTag(text, name, qName, scope)
                    : matcher.matchTextBeforeStartTag(text, scope);
            if (!ok) {
                violations.add(new SchemaViolation(Kind.INVALID_TEXT, element, Optional.empty(), List.of(),
                        List.of(), matcher.getErrorMessage()));
            }
        }
        for (XmlElement child : element.children()) {
            element(child);
        }
        Matcher beforeEnd = matcher.copy();
        if (!matcher.matchEndTag(name, qName, scope)) {
            Kind kind = beforeEnd.isTextTyped() ? Kind.INVALID_TEXT : Kind.INCOMPLETE_ELEMENT;
            violations.add(new SchemaViolation(kind, element, Optional.empty(),
                    names(beforeEnd.possibleStartTagNames(), element),
                    qualified(beforeEnd.requiredElementNames(), element), matcher.getErrorMessage()));
        }
        scope.element = parentScope;
    }

    /** The names a name class lists, written as they would be in this element; none when it allows any name. */
    private List<String> names(NameClass nameClass, XmlElement at) {
        if (nameClass.isAnyNameIncluded() || !nameClass.getIncludedNamespaces().isEmpty()) {
            return List.of();
        }
        return qualified(nameClass.getIncludedNames(), at);
    }

    private List<String> qualified(Collection<Name> names, XmlElement at) {
        Set<String> written = new TreeSet<>();
        for (Name name : names) {
            if (name.getNamespaceUri().isEmpty()) {
                written.add(name.getLocalName());
            } else {
                Optional<String> prefix = Scope.prefixOf(at, name.getNamespaceUri());
                written.add(prefix.map(p -> p.isEmpty() ? "" : p + ":").orElse("{" + name.getNamespaceUri() + "}")
                        + name.getLocalName());
            }
        }
        return List.copyOf(written);
    }

    /** The namespace declarations in scope at the element being matched, read from the located model. */
    private static final class Scope implements MatchContext {
        XmlElement element;

        @Override
        public String resolveNamespacePrefix(String prefix) {
            if (prefix.equals("xml")) {
                return XML_NAMESPACE;
            }
            String declaration = prefix.isEmpty() ? "xmlns" : "xmlns:" + prefix;
            for (XmlElement at = element; at != null; at = at.parent().orElse(null)) {
                Optional<String> uri = at.attributes().stream()
                        .filter(a -> a.isNamespaceDeclaration() && a.qualifiedName().equals(declaration))
                        .map(XmlAttribute::value).findFirst();
                if (uri.isPresent()) {
                    return uri.get();
                }
            }
            return prefix.isEmpty() ? "" : null;
        }

        @Override
        public String getPrefix(String namespaceUri) {
            return prefixOf(element, namespaceUri).orElse(null);
        }

        static Optional<String> prefixOf(XmlElement element, String namespaceUri) {
            for (XmlElement at = element; at != null; at = at.parent().orElse(null)) {
                for (XmlAttribute attribute : at.attributes()) {
                    if (attribute.isNamespaceDeclaration() && attribute.value().equals(namespaceUri)) {
                        return Optional.of(attribute.qualifiedName().equals("xmlns") ? ""
                                : attribute.localName());
                    }
                }
            }
            return Optional.empty();
        }

        @Override
        public String getBaseUri() {
            return null;
        }

        @Override
        public boolean isUnparsedEntity(String entityName) {
            return false;
        }

        @Override
        public boolean isNotation(String notationName) {
            return false;
        }
    }
}
