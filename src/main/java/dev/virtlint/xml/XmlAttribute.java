package dev.virtlint.xml;

/**
 * An attribute as written: its qualified name, its value with entity references resolved, where the
 * name starts and where the value sits between its quotes, and which quote character was used.
 */
public record XmlAttribute(String qualifiedName, String namespaceUri, String value, Span nameSpan, Span valueSpan,
                           char quote) {

    /** The namespace xmlns declarations are reported in. */
    public static final String XMLNS_URI = "http://www.w3.org/2000/xmlns/";

    public boolean isNamespaceDeclaration() {
        return namespaceUri.equals(XMLNS_URI);
    }

    public String localName() {
        int colon = qualifiedName.indexOf(':');
        return colon < 0 ? qualifiedName : qualifiedName.substring(colon + 1);
    }

    /** The whole {@code name='value'} text, for edits that remove the attribute. */
    public Span span() {
        return new Span(nameSpan.start(), valueSpan.end() + 1);
    }
}
