package dev.virtlint.xml;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * One element of the located model. Read-only once the loader has built it. Knows where its start
 * tag, end tag and content lie in the original text so fixes can be spliced in without re-serialising.
 */
public final class XmlElement {
    private final String qualifiedName;
    private final String namespaceUri;
    private final List<XmlAttribute> attributes;
    private final Span startTag;
    private final Span endTag;
    private final String text;
    private final List<XmlElement> children = new ArrayList<>();
    private final XmlElement parent;
    private final int depth;

    XmlElement(XmlElement parent, String qualifiedName, String namespaceUri, List<XmlAttribute> attributes,
               Span startTag, Span endTag, String text) {
        this.parent = parent;
        this.qualifiedName = qualifiedName;
        this.namespaceUri = namespaceUri;
        this.attributes = List.copyOf(attributes);
        this.startTag = startTag;
        this.endTag = endTag;
        this.text = text;
        this.depth = parent == null ? 0 : parent.depth + 1;
    }

    void addChild(XmlElement child) {
        children.add(child);
    }

    public String qualifiedName() {
        return qualifiedName;
    }

    public String localName() {
        int colon = qualifiedName.indexOf(':');
        return colon < 0 ? qualifiedName : qualifiedName.substring(colon + 1);
    }

    /** The prefix as written, or the empty string. */
    public String prefix() {
        int colon = qualifiedName.indexOf(':');
        return colon < 0 ? "" : qualifiedName.substring(0, colon);
    }

    /** The namespace the element is in; the empty string for no namespace. */
    public String namespaceUri() {
        return namespaceUri;
    }

    public boolean isInNamespace(String uri) {
        return namespaceUri.equals(uri);
    }

    public List<XmlAttribute> attributes() {
        return attributes;
    }

    /** An attribute in no namespace, by local name (how libvirt's own attributes are written). */
    public Optional<XmlAttribute> attribute(String name) {
        for (XmlAttribute attribute : attributes) {
            if (attribute.qualifiedName().equals(name)) {
                return Optional.of(attribute);
            }
        }
        return Optional.empty();
    }

    public Optional<String> attributeValue(String name) {
        return attribute(name).map(XmlAttribute::value);
    }

    /** The whole start tag, from {@code <} to {@code >} inclusive. */
    public Span startTag() {
        return startTag;
    }

    /** The end tag, or the start tag again for an empty-element tag {@code <x/>}. */
    public Span endTag() {
        return endTag;
    }

    public boolean isSelfClosing() {
        return startTag.equals(endTag);
    }

    /** From the start of the start tag to the end of the end tag. */
    public Span span() {
        return new Span(startTag.start(), endTag.end());
    }

    /** Between the start and end tags; empty (at the start tag's end) for {@code <x/>}. */
    public Span content() {
        return isSelfClosing() ? new Span(startTag.end(), startTag.end()) : new Span(startTag.end(), endTag.start());
    }

    /** The character content of this element (children's text excluded), trimmed. */
    public String text() {
        return text;
    }

    public List<XmlElement> children() {
        return Collections.unmodifiableList(children);
    }

    /** Children in no namespace with the given name. */
    public List<XmlElement> children(String name) {
        List<XmlElement> result = new ArrayList<>();
        for (XmlElement child : children) {
            if (child.namespaceUri.isEmpty() && child.qualifiedName.equals(name)) {
                result.add(child);
            }
        }
        return result;
    }

    public Optional<XmlElement> child(String name) {
        for (XmlElement child : children) {
            if (child.namespaceUri.isEmpty() && child.qualifiedName.equals(name)) {
                return Optional.of(child);
            }
        }
        return Optional.empty();
    }

    /** Follows a path of child names, e.g. {@code child("cpu", "maxphysaddr")}. */
    public Optional<XmlElement> child(String... path) {
        XmlElement current = this;
        for (String name : path) {
            Optional<XmlElement> next = current.child(name);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            current = next.get();
        }
        return Optional.of(current);
    }

    public Optional<XmlElement> parent() {
        return Optional.ofNullable(parent);
    }

    public int depth() {
        return depth;
    }

    /** A readable location path such as {@code /domain/devices/hostdev[2]}, for logical locations. */
    public String path() {
        if (parent == null) {
            return "/" + qualifiedName;
        }
        int index = 0;
        int sameName = 0;
        for (XmlElement sibling : parent.children) {
            if (sibling.qualifiedName.equals(qualifiedName)) {
                sameName++;
                if (sibling == this) {
                    index = sameName;
                }
            }
        }
        String step = sameName > 1 ? qualifiedName + "[" + index + "]" : qualifiedName;
        return parent.path() + "/" + step;
    }

    @Override
    public String toString() {
        return path();
    }
}
