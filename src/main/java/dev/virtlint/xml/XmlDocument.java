package dev.virtlint.xml;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A loaded document: its text, its root element, its comments in document order, the namespace
 * declarations on the root, and the prefixes that were used without any declaration (loaded anyway so
 * that a rule can report them instead of the file being rejected).
 */
public record XmlDocument(SourceText source, XmlElement root, List<XmlComment> comments,
                          Map<String, String> rootNamespaceDeclarations, Set<String> undeclaredPrefixes) {

    /** The namespace URI bound to undeclared prefixes while loading; never a real namespace. */
    public static final String UNDECLARED_NAMESPACE_PREFIX = "urn:virt-lint:undeclared-prefix:";

    public static boolean isUndeclaredNamespace(String uri) {
        return uri.startsWith(UNDECLARED_NAMESPACE_PREFIX);
    }
}
