package dev.virtlint.schema;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

import javax.xml.parsers.ParserConfigurationException;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.transform.sax.SAXSource;

import org.xml.sax.Attributes;
import org.xml.sax.ErrorHandler;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

import com.thaiopensource.datatype.xsd.DatatypeLibraryFactoryImpl;
import com.thaiopensource.datatype.xsd.regex.java.RegexEngineImpl;
import com.thaiopensource.relaxng.match.Matcher;
import com.thaiopensource.relaxng.parse.IllegalSchemaException;
import com.thaiopensource.relaxng.parse.sax.SAXParseable;
import com.thaiopensource.relaxng.pattern.AnnotationsImpl;
import com.thaiopensource.relaxng.pattern.CommentListImpl;
import com.thaiopensource.relaxng.pattern.NameClass;
import com.thaiopensource.relaxng.pattern.Pattern;
import com.thaiopensource.relaxng.pattern.PatternMatcher;
import com.thaiopensource.relaxng.pattern.SchemaBuilderImpl;
import com.thaiopensource.relaxng.pattern.SchemaPatternBuilder;
import com.thaiopensource.relaxng.pattern.ValidatorPatternBuilder;
import com.thaiopensource.resolver.xml.sax.SAXResolver;
import com.thaiopensource.util.VoidValue;

/**
 * libvirt's domain schema ({@code domain.rng} and the files it includes), compiled by Jing. Validation drives
 * Jing's matcher directly, element by element, rather than through a SAX parse, so that each violation is known
 * at the element or attribute of the located model that caused it, together with what the schema allows there.
 */
public final class DomainSchema {
    /** Where libvirt installs its schemas; {@code virt-xml-validate} reads {@code domain.rng} from here. */
    public static final String INSTALLED_DIRECTORY = "/usr/share/libvirt/schemas";
    public static final Path INSTALLED = Path.of(INSTALLED_DIRECTORY);

    /**
     * Whether {@code directory} is the installed libvirt's and libvirt is simply not installed on this machine: then
     * schema validity is not checked, without a per-file finding (the command line says so once per run), so that a
     * machine without libvirt reports what the XML decides and nothing about itself.
     */
    public static boolean notInstalledHere(Path directory) {
        return directory.equals(INSTALLED) && !Files.exists(INSTALLED.resolve("domain.rng"));
    }
    static final String ENTRY = "domain.rng";

    private static final String RELAX_NG = "http://relaxng.org/ns/structure/1.0";

    private final Path entry;
    private final Pattern start;
    /**
     * Jing's matcher memoises derivatives in its pattern builder, which is not thread-safe (Jing gives each validator
     * its own); one per linting thread is safe and keeps what it learnt from one domain for the next.
     */
    private final ThreadLocal<ValidatorPatternBuilder> builders;
    /** Read from the schema files when a violation first needs them: a valid domain never pays for it. */
    private NameCollector names;

    private DomainSchema(Path entry, Pattern start, SchemaPatternBuilder patterns) {
        this.entry = entry;
        this.start = start;
        this.builders = ThreadLocal.withInitial(() -> new ValidatorPatternBuilder(patterns));
    }

    /** Compiles {@code directory/domain.rng}; the exception's message says why it cannot be used. */
    public static DomainSchema compile(Path directory) throws SchemaUnavailableException {
        Path entry = directory.resolve(ENTRY);
        if (!Files.isRegularFile(entry)) {
            throw new SchemaUnavailableException(entry + " does not exist (is libvirt installed?)");
        }
        try {
            SchemaPatternBuilder patterns = new SchemaPatternBuilder();
            SAXResolver resolver = new SAXResolver();
            SAXSource source = new SAXSource(resolver.createXMLReader(), new InputSource(entry.toUri().toString()));
            // The XSD datatypes with the JDK's regular expressions, named directly: no service lookup at run time
            // and no Xerces in the jar.
            Pattern start = SchemaBuilderImpl.parse(
                    new SAXParseable<Pattern, NameClass, org.xml.sax.Locator, VoidValue, CommentListImpl,
                            AnnotationsImpl>(source, resolver, FAIL_ON_ERROR),
                    FAIL_ON_ERROR, new DatatypeLibraryFactoryImpl(new RegexEngineImpl()), patterns, false);
            return new DomainSchema(entry, start, patterns);
        } catch (IllegalSchemaException | SAXException | IOException e) {
            throw new SchemaUnavailableException(entry + " cannot be read as a RELAX NG schema: " + e.getMessage());
        }
    }

    /** A matcher at the start of a document, for this thread; each validation takes its own. */
    Matcher newMatcher() {
        return new PatternMatcher(start, builders.get());
    }

    /**
     * True if the schema defines an element of this name (in libvirt's own, empty namespace) anywhere; also true
     * when the schema files can no longer be read, so that the element is called misplaced rather than unknown.
     */
    synchronized boolean definesElement(String localName) {
        if (names == null) {
            names = new NameCollector();
            try {
                names.collect(entry);
            } catch (IOException | SAXException e) {
                return true;
            }
        }
        return names.elements.contains(localName);
    }

    private static final ErrorHandler FAIL_ON_ERROR = new ErrorHandler() {
        @Override
        public void warning(SAXParseException exception) {
        }

        @Override
        public void error(SAXParseException exception) throws SAXException {
            throw exception;
        }

        @Override
        public void fatalError(SAXParseException exception) throws SAXException {
            throw exception;
        }
    };

    /**
     * The element names the schema files define, following their includes: what tells an element libvirt has
     * nowhere from one it has elsewhere. Jing's compiled pattern does not expose this.
     */
    private static final class NameCollector extends DefaultHandler {
        final Set<String> elements = new HashSet<>();
        private final Set<Path> visited = new HashSet<>();
        private final Deque<Path> pending = new ArrayDeque<>();
        /** The {@code ns} in effect for each open RELAX NG element; an element's name is in it. */
        private final Deque<String> namespaces = new ArrayDeque<>();
        private Path current;

        void collect(Path entry) throws IOException, SAXException {
            SAXParserFactory factory = SAXParserFactory.newInstance();
            factory.setNamespaceAware(true);
            pending.add(entry.toAbsolutePath().normalize());
            while (!pending.isEmpty()) {
                current = pending.pop();
                if (!visited.add(current)) {
                    continue;
                }
                namespaces.clear();
                namespaces.push("");
                try {
                    factory.newSAXParser().parse(current.toFile(), this);
                } catch (ParserConfigurationException e) {
                    throw new SAXException(e);
                }
            }
        }

        @Override
        public void startElement(String uri, String localName, String qName, Attributes attributes) {
            String ns = attributes.getValue("ns");
            namespaces.push(ns != null ? ns : namespaces.peek());
            if (!RELAX_NG.equals(uri)) {
                return;
            }
            String name = attributes.getValue("name");
            switch (localName) {
                case "element" -> {
                    if (name != null && namespaces.peek().isEmpty()) {
                        elements.add(name);
                    }
                }
                case "include", "externalRef" -> {
                    String href = attributes.getValue("href");
                    if (href != null) {
                        pending.add(current.resolveSibling(href).normalize());
                    }
                }
                default -> {
                }
            }
        }

        @Override
        public void endElement(String uri, String localName, String qName) {
            namespaces.pop();
        }
    }
}
