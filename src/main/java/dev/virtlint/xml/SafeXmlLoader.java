package dev.virtlint.xml;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jdom2.Attribute;
import org.jdom2.Document;
import org.jdom2.Element;
import org.jdom2.IllegalDataException;
import org.jdom2.IllegalNameException;
import org.jdom2.JDOMException;
import org.jdom2.Namespace;
import org.jdom2.Verifier;
import org.jdom2.input.JDOMParseException;
import org.jdom2.input.SAXBuilder;
import org.jdom2.input.sax.XMLReaders;

/**
 * Loads XML the way a linter that reads other people's files must: no DTDs, no external entities, a size
 * limit, strict decoding, and every problem reported as one line with a position. The jdom2 parser
 * checks well-formedness and resolves namespaces and entities; {@link TagScanner} supplies the offsets.
 */
public final class SafeXmlLoader {
    /** libvirt domain definitions are kilobytes; anything this large is not one. */
    public static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;
    /** libvirt's deepest documents nest about ten levels; the limit only stops stack-exhaustion input. */
    public static final int MAX_DEPTH = 256;

    private static final Pattern ENCODING_DECLARATION =
            Pattern.compile("^<\\?xml[^>]*?encoding\\s*=\\s*(['\"])([A-Za-z][A-Za-z0-9._-]*)\\1");
    private static final Pattern UNBOUND_PREFIX = Pattern.compile("The prefix \"([^\"]+)\" for (?:element|attribute)");
    private static final int MAX_UNDECLARED_PREFIXES = 16;

    private final long maxBytes;

    public SafeXmlLoader() {
        this(DEFAULT_MAX_BYTES);
    }

    public SafeXmlLoader(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public XmlDocument load(Path path) throws XmlLoadException {
        String name = path.toString();
        try {
            if (Files.isDirectory(path)) {
                throw new XmlLoadException(XmlLoadException.Kind.UNREADABLE, name, 1, 1, "is a directory");
            }
            if (Files.isRegularFile(path) && Files.size(path) > maxBytes) {
                throw tooLarge(name, Files.size(path));
            }
            try (InputStream in = Files.newInputStream(path)) {
                return load(name, in);
            }
        } catch (NoSuchFileException e) {
            throw new XmlLoadException(XmlLoadException.Kind.UNREADABLE, name, 1, 1, "no such file");
        } catch (AccessDeniedException e) {
            throw new XmlLoadException(XmlLoadException.Kind.UNREADABLE, name, 1, 1, "permission denied");
        } catch (IOException e) {
            throw new XmlLoadException(XmlLoadException.Kind.UNREADABLE, name, 1, 1, describe(e));
        }
    }

    /** Reads at most one byte more than the limit, so an endless stream (or {@code /dev/zero}) cannot exhaust memory. */
    public XmlDocument load(String displayName, InputStream in) throws XmlLoadException {
        byte[] bytes;
        try {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        } catch (IOException e) {
            throw new XmlLoadException(XmlLoadException.Kind.UNREADABLE, displayName, 1, 1, describe(e));
        }
        if (bytes.length > maxBytes) {
            throw tooLarge(displayName, bytes.length);
        }
        return load(displayName, bytes);
    }

    public XmlDocument load(String displayName, byte[] bytes) throws XmlLoadException {
        return parse(decode(displayName, bytes));
    }

    private XmlLoadException tooLarge(String name, long size) {
        return new XmlLoadException(XmlLoadException.Kind.TOO_LARGE, name, 1, 1,
                "over the " + maxBytes + "-byte limit" + (size > maxBytes + 1 ? " (" + size + " bytes)" : "")
                        + "; a libvirt domain definition is a few kilobytes (raise it with --max-file-size)");
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Decodes by byte-order mark, then by the XML declaration, then UTF-8; malformed bytes are an error. */
    static SourceText decode(String displayName, byte[] bytes) throws XmlLoadException {
        Charset charset = StandardCharsets.UTF_8;
        int skip = 0;
        boolean bom = false;
        if (bytes.length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF) {
            skip = 3;
            bom = true;
        } else if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF) {
            charset = StandardCharsets.UTF_16BE;
            skip = 2;
            bom = true;
        } else if (bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE) {
            charset = StandardCharsets.UTF_16LE;
            skip = 2;
            bom = true;
        } else if (bytes.length >= 2 && bytes[0] == '<' && bytes[1] == 0) {
            charset = StandardCharsets.UTF_16LE;
        } else if (bytes.length >= 2 && bytes[0] == 0 && bytes[1] == '<') {
            charset = StandardCharsets.UTF_16BE;
        } else {
            String head = new String(bytes, 0, Math.min(bytes.length, 256), StandardCharsets.ISO_8859_1);
            Matcher declared = ENCODING_DECLARATION.matcher(head);
            if (declared.find()) {
                String name = declared.group(2);
                try {
                    charset = Charset.forName(name);
                } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                    throw new XmlLoadException(XmlLoadException.Kind.ENCODING, displayName, 1, declared.start(2) + 1,
                            "unsupported encoding '" + name + "'");
                }
            }
        }
        CharsetDecoder decoder = charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, skip, bytes.length - skip);
        CharBuffer out = CharBuffer.allocate((int) Math.ceil((bytes.length - skip) * (double) decoder.maxCharsPerByte()) + 1);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int badByte = in.position();
            SourceText prefix = new SourceText(displayName, out.flip().toString(), charset, bom);
            Position at = prefix.positionOf(prefix.text().length());
            throw new XmlLoadException(XmlLoadException.Kind.ENCODING, displayName, at.line(), at.column(),
                    "byte 0x" + String.format("%02X", bytes[badByte] & 0xFF) + " at offset " + badByte
                            + " is not valid " + charset.name());
        }
        return new SourceText(displayName, out.flip().toString(), charset, bom);
    }

    /** Parses already-decoded text; also the entry point for re-linting text a fix has changed. */
    public XmlDocument parse(SourceText source) throws XmlLoadException {
        String text = source.text();
        if (text.isBlank()) {
            throw new XmlLoadException(XmlLoadException.Kind.MALFORMED, source.displayName(), 1, 1,
                    "the file is empty");
        }
        Set<String> undeclared = new LinkedHashSet<>();
        Document document;
        while (true) {
            try {
                document = BUILDER.get().build(new StringReader(declarePrefixes(text, undeclared)));
                break;
            } catch (JDOMParseException e) {
                Matcher unbound = UNBOUND_PREFIX.matcher(String.valueOf(e.getMessage()));
                if (unbound.find() && undeclared.size() < MAX_UNDECLARED_PREFIXES && undeclared.add(unbound.group(1))) {
                    continue;
                }
                throw malformed(source, e);
            } catch (JDOMException | IOException e) {
                throw new XmlLoadException(XmlLoadException.Kind.MALFORMED, source.displayName(), 1, 1,
                        String.valueOf(e.getMessage()));
            } catch (IllegalNameException | IllegalDataException e) {
                // jdom2 refuses some names the SAX parser lets through, such as <:x> with an empty prefix. The
                // exception left the builder mid-document, so this thread starts the next file with a new one.
                BUILDER.remove();
                throw illegalName(source, e);
            }
        }
        TagScanner.Result scanned = TagScanner.scan(text);
        XmlElement root = locate(null, document.getRootElement(), scanned.root());
        return new XmlDocument(source, root, List.copyOf(scanned.comments()), namespaceDeclarations(root),
                Set.copyOf(undeclared));
    }

    /**
     * One builder per thread, its parser kept between files: configuring a new SAX parser was a sixth of the
     * time a corpus run spent per file. A builder is not thread-safe, and the files are linted in parallel.
     */
    private static final ThreadLocal<SAXBuilder> BUILDER = ThreadLocal.withInitial(SafeXmlLoader::newBuilder);

    private static SAXBuilder newBuilder() {
        SAXBuilder builder = new SAXBuilder(XMLReaders.NONVALIDATING);
        // A DOCTYPE is the door to both XXE and entity-expansion bombs; libvirt never writes one.
        builder.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        builder.setFeature("http://xml.org/sax/features/external-general-entities", false);
        builder.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        builder.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        builder.setProperty("http://www.oracle.com/xml/jaxp/properties/maxElementDepth", String.valueOf(MAX_DEPTH));
        builder.setExpandEntities(false);
        builder.setReuseParser(true);
        return builder;
    }

    /**
     * Binds each undeclared prefix on the root to a placeholder namespace so that the parse succeeds
     * without changing any element's position in the tree (the declarations are only in the parsed copy).
     */
    private static String declarePrefixes(String text, Set<String> prefixes) {
        if (prefixes.isEmpty()) {
            return text;
        }
        TagScanner.Result scanned = TagScanner.scan(text);
        if (scanned.root() == null) {
            return text;
        }
        int insertAt = scanned.root().startTag.start() + 1 + scanned.root().qualifiedName.length();
        StringBuilder declarations = new StringBuilder();
        for (String prefix : prefixes) {
            declarations.append(" xmlns:").append(prefix).append("=\"")
                    .append(XmlDocument.UNDECLARED_NAMESPACE_PREFIX).append(prefix).append('"');
        }
        return text.substring(0, insertAt) + declarations + text.substring(insertAt);
    }

    /** Points at the first element or attribute name jdom2 cannot take, found lexically; 1:1 if none is. */
    private static XmlLoadException illegalName(SourceText source, IllegalArgumentException e) {
        Deque<TagScanner.RawElement> pending = new ArrayDeque<>();
        Optional.ofNullable(TagScanner.scan(source.text()).root()).ifPresent(pending::push);
        while (!pending.isEmpty()) {
            TagScanner.RawElement element = pending.pop();
            Optional<String> problem = nameProblem(element.qualifiedName, Verifier::checkElementName);
            if (problem.isPresent()) {
                return illegalNameAt(source, element.startTag.start() + 1, "element", element.qualifiedName,
                        problem.get());
            }
            for (TagScanner.RawAttribute attribute : element.attributes) {
                problem = nameProblem(attribute.qualifiedName(), Verifier::checkAttributeName);
                if (problem.isPresent()) {
                    return illegalNameAt(source, attribute.nameSpan().start(), "attribute", attribute.qualifiedName(),
                            problem.get());
                }
            }
            for (int i = element.children.size() - 1; i >= 0; i--) {
                pending.push(element.children.get(i));
            }
        }
        return new XmlLoadException(XmlLoadException.Kind.MALFORMED, source.displayName(), 1, 1,
                String.valueOf(e.getMessage()));
    }

    /** What is wrong with a qualified name in a namespace-aware document: one colon at most, parts jdom2 accepts. */
    private static Optional<String> nameProblem(String qualifiedName, Function<String, String> checkLocalName) {
        int colon = qualifiedName.indexOf(':');
        if (colon < 0) {
            return Optional.ofNullable(checkLocalName.apply(qualifiedName));
        }
        String prefix = qualifiedName.substring(0, colon);
        String local = qualifiedName.substring(colon + 1);
        if (prefix.isEmpty() || local.isEmpty() || local.indexOf(':') >= 0) {
            return Optional.of("a colon may only separate a prefix from a local name, and neither may be empty");
        }
        // xml: and xmlns: are the reserved prefixes jdom2's prefix check refuses on purpose.
        if (prefix.equals("xmlns")) {
            return Optional.ofNullable(Verifier.checkNamespacePrefix(local));
        }
        if (prefix.equals("xml")) {
            return Optional.ofNullable(checkLocalName.apply(local));
        }
        return Optional.ofNullable(Verifier.checkNamespacePrefix(prefix))
                .or(() -> Optional.ofNullable(checkLocalName.apply(local)));
    }

    private static XmlLoadException illegalNameAt(SourceText source, int offset, String kind, String name,
                                                  String problem) {
        Position at = source.positionOf(offset);
        return new XmlLoadException(XmlLoadException.Kind.MALFORMED, source.displayName(), at.line(), at.column(),
                "'" + name + "' is not a legal " + kind + " name: " + problem);
    }

    private static XmlLoadException malformed(SourceText source, JDOMParseException e) {
        String message = String.valueOf(e.getCause() != null && e.getCause().getMessage() != null
                ? e.getCause().getMessage() : e.getMessage());
        int line = Math.max(1, e.getLineNumber());
        int column = Math.max(1, e.getColumnNumber());
        if (message.contains("DOCTYPE is disallowed")) {
            return new XmlLoadException(XmlLoadException.Kind.REFUSED, source.displayName(), line, column,
                    "DOCTYPE declarations are not accepted: a DTD can read local files or expand entities without"
                            + " bound (XXE, billion laughs), and libvirt never writes one");
        }
        if (message.contains("maxElementDepth") || message.contains("depth")) {
            return new XmlLoadException(XmlLoadException.Kind.REFUSED, source.displayName(), line, column,
                    "elements nest deeper than " + MAX_DEPTH + " levels; no libvirt domain does");
        }
        if (message.startsWith("Premature end of file")) {
            message = "the document ends before its root element is closed";
        }
        return new XmlLoadException(XmlLoadException.Kind.MALFORMED, source.displayName(), line, column, message);
    }

    private static XmlElement locate(XmlElement parent, Element element, TagScanner.RawElement raw) {
        if (raw == null || !raw.qualifiedName.equals(element.getQualifiedName())) {
            throw new IllegalStateException("located tree out of step at <" + element.getQualifiedName() + ">");
        }
        List<XmlAttribute> attributes = new ArrayList<>(raw.attributes.size());
        for (TagScanner.RawAttribute rawAttribute : raw.attributes) {
            attributes.add(attribute(element, rawAttribute));
        }
        XmlElement located = new XmlElement(parent, element.getQualifiedName(), element.getNamespaceURI(),
                attributes, raw.startTag, raw.endTag == null ? raw.startTag : raw.endTag, element.getTextTrim());
        Iterator<TagScanner.RawElement> rawChildren = raw.children.iterator();
        for (Element child : element.getChildren()) {
            located.addChild(locate(located, child, rawChildren.hasNext() ? rawChildren.next() : null));
        }
        return located;
    }

    private static XmlAttribute attribute(Element element, TagScanner.RawAttribute raw) {
        String name = raw.qualifiedName();
        if (name.equals("xmlns") || name.startsWith("xmlns:")) {
            String prefix = name.equals("xmlns") ? "" : name.substring(6);
            Namespace namespace = element.getNamespace(prefix);
            return new XmlAttribute(name, XmlAttribute.XMLNS_URI, namespace == null ? "" : namespace.getURI(), raw.nameSpan(),
                    raw.valueSpan(), raw.quote());
        }
        for (Attribute attribute : element.getAttributes()) {
            if (attribute.getQualifiedName().equals(name)) {
                return new XmlAttribute(name, attribute.getNamespaceURI(), attribute.getValue(), raw.nameSpan(),
                        raw.valueSpan(), raw.quote());
            }
        }
        throw new IllegalStateException("attribute " + name + " of <" + element.getQualifiedName() + "> not parsed");
    }

    private static Map<String, String> namespaceDeclarations(XmlElement root) {
        Map<String, String> declarations = new LinkedHashMap<>();
        for (XmlAttribute attribute : root.attributes()) {
            if (attribute.isNamespaceDeclaration()) {
                declarations.put(attribute.qualifiedName().equals("xmlns") ? "" : attribute.localName(),
                        attribute.value());
            }
        }
        return declarations;
    }
}
