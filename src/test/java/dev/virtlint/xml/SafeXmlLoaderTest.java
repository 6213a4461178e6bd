package dev.virtlint.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

class SafeXmlLoaderTest {
    private final SafeXmlLoader loader = new SafeXmlLoader();

    private XmlDocument load(String text) throws XmlLoadException {
        return loader.load("t.xml", text.getBytes(StandardCharsets.UTF_8));
    }

    private XmlLoadException refused(byte[] bytes) {
        return assertThrows(XmlLoadException.class, () -> loader.load("t.xml", bytes));
    }

    private XmlLoadException refused(String text) {
        return refused(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void externalEntityIsRefusedWithoutReadingTheFile() {
        XmlLoadException e = refused("<?xml version='1.0'?>\n<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n"
                + "<domain><name>&x;</name></domain>");
        assertEquals(XmlLoadException.Kind.REFUSED, e.kind());
        assertEquals(2, e.line());
        assertTrue(e.oneLine().startsWith("t.xml:2:"), e.oneLine());
        assertTrue(e.getMessage().contains("DOCTYPE"), e.getMessage());
    }

    @Test
    void billionLaughsIsRefusedQuickly() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE lolz [<!ENTITY lol \"lol\">");
        for (int i = 1; i < 10; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"").append(("&lol" + (i == 1 ? "" : i - 1) + ";").repeat(10))
                    .append("\">");
        }
        dtd.append("]><domain><name>&lol9;</name></domain>");
        XmlLoadException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> refused(dtd.toString()));
        assertEquals(XmlLoadException.Kind.REFUSED, e.kind());
    }

    /** The parser is kept between files on a thread; a refused or broken file must not change how it treats the next. */
    @Test
    void aReusedParserKeepsItsDefencesAndRecoversFromErrors() throws XmlLoadException {
        String deep = "<domain>" + "<a>".repeat(SafeXmlLoader.MAX_DEPTH + 1) + "</a>".repeat(SafeXmlLoader.MAX_DEPTH + 1)
                + "</domain>";
        for (int round = 0; round < 3; round++) {
            assertEquals(XmlLoadException.Kind.REFUSED, refused("<!DOCTYPE d [<!ENTITY x \"x\">]><domain>&x;</domain>").kind());
            assertEquals(XmlLoadException.Kind.MALFORMED, refused("<domain><name>x</domain>").kind());
            refused(deep);
            XmlDocument good = load("<domain xmlns:q='urn:q'><q:x/><name>ok</name></domain>");
            assertEquals("domain", good.root().qualifiedName());
            assertEquals(2, good.root().children().size());
        }
    }

    /** The SAX parser lets these names through and jdom2 refuses them; found by fuzzing, once an internal error. */
    @Test
    void namesWithAnEmptyPrefixAreMalformedWithTheirPosition() throws XmlLoadException {
        assertEquals("t.xml:2:4: malformed XML: ':x' is not a legal element name: a colon may only separate a"
                + " prefix from a local name, and neither may be empty", refused("<domain>\n  <:x/></domain>").oneLine());
        XmlLoadException attribute = refused("<domain xmlns:q='urn:q'><a xml:lang='en' q:c='2' :b='1'/></domain>");
        assertEquals(XmlLoadException.Kind.MALFORMED, attribute.kind());
        assertEquals(50, attribute.column());
        assertEquals("domain", load("<domain><name>after</name></domain>").root().qualifiedName());
    }

    @Test
    void externalDtdIsRefused() {
        assertEquals(XmlLoadException.Kind.REFUSED,
                refused("<!DOCTYPE domain SYSTEM \"http://example.invalid/domain.dtd\"><domain/>").kind());
    }

    @Test
    void emptyAndBlankFilesAreMalformed() {
        assertEquals("t.xml:1:1: malformed XML: the file is empty", refused("").oneLine());
        assertEquals(XmlLoadException.Kind.MALFORMED, refused("  \n ").kind());
    }

    @Test
    void invalidUtf8IsReportedWithItsPosition() {
        byte[] bytes = "<domain>\n  <name>ab\u00ff</name></domain>".getBytes(StandardCharsets.ISO_8859_1);
        XmlLoadException e = refused(bytes);
        assertEquals(XmlLoadException.Kind.ENCODING, e.kind());
        assertEquals(2, e.line());
        assertEquals(11, e.column());
        assertTrue(e.getMessage().contains("0xFF"), e.getMessage());
    }

    @Test
    void binaryInputIsAOneLineError() {
        byte[] binary = new byte[4096];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (i * 31 + 7);
        }
        XmlLoadException e = refused(binary);
        assertTrue(e.kind() == XmlLoadException.Kind.ENCODING || e.kind() == XmlLoadException.Kind.MALFORMED);
        assertEquals(1, e.oneLine().lines().count());
    }

    @Test
    void nulBytesAreMalformed() {
        assertEquals(XmlLoadException.Kind.MALFORMED, refused("<domain>\0</domain>").kind());
    }

    @Test
    void oversizedStreamIsCutOffAtTheLimit() {
        SafeXmlLoader small = new SafeXmlLoader(1024);
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return ' ';
            }
        };
        XmlLoadException e = assertThrows(XmlLoadException.class, () -> small.load("zero", endless));
        assertEquals(XmlLoadException.Kind.TOO_LARGE, e.kind());
        assertTrue(e.getMessage().contains("1024-byte limit"), e.getMessage());
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        String deep = "<a>".repeat(100_000) + "</a>".repeat(100_000);
        XmlLoadException e = refused("<domain>" + deep + "</domain>");
        assertEquals(XmlLoadException.Kind.REFUSED, e.kind());
    }

    @Test
    void malformedXmlHasLineAndColumn() {
        XmlLoadException e = refused("<domain>\n  <name>x</nam>\n</domain>");
        assertEquals(XmlLoadException.Kind.MALFORMED, e.kind());
        assertEquals(2, e.line());
        assertTrue(e.oneLine().startsWith("t.xml:2:"), e.oneLine());
    }

    @Test
    void offsetsPointAtStartTagsAndAttributeValues() throws XmlLoadException {
        String text = "<?xml version='1.0'?>\n<!-- c -->\n<domain type='kvm'>\n  <memory unit=\"GiB\">16</memory>\n"
                + "  <devices><hostdev mode='subsystem'\n      type='pci'/></devices>\n</domain>\n";
        XmlDocument document = load(text);
        XmlElement root = document.root();
        assertEquals(text.indexOf("<domain"), root.startTag().start());
        assertEquals(text.indexOf("</domain>"), root.endTag().start());
        XmlElement memory = root.child("memory").orElseThrow();
        assertEquals("<memory unit=\"GiB\">", text.substring(memory.startTag().start(), memory.startTag().end()));
        XmlAttribute unit = memory.attribute("unit").orElseThrow();
        assertEquals("GiB", text.substring(unit.valueSpan().start(), unit.valueSpan().end()));
        assertEquals('"', unit.quote());
        assertEquals("16", memory.text());
        XmlElement hostdev = root.child("devices", "hostdev").orElseThrow();
        assertTrue(hostdev.isSelfClosing());
        XmlAttribute type = hostdev.attribute("type").orElseThrow();
        assertEquals(new Position(6, 13), document.source().positionOf(type.valueSpan().start()));
        assertEquals(1, document.comments().size());
        assertEquals(" c ", document.comments().get(0).text());
    }

    @Test
    void offsetsSurviveCrlfAndMultiByteCharacters() throws XmlLoadException {
        String text = "<domain>\r\n  <title>Gr\u00fc\u00dfe \uD83D\uDE80</title>\r\n  <name x='\u00e9'>n</name>\r\n</domain>";
        XmlDocument document = load(text);
        XmlElement name = document.root().child("name").orElseThrow();
        assertEquals(text.indexOf("<name"), name.startTag().start());
        assertEquals(new Position(3, 3), document.source().positionOf(name.startTag().start()));
        XmlAttribute x = name.attribute("x").orElseThrow();
        assertEquals("\u00e9", text.substring(x.valueSpan().start(), x.valueSpan().end()));
        XmlElement title = document.root().child("title").orElseThrow();
        // The rocket is one code point but two UTF-16 units: the column after it counts code points.
        assertEquals(new Position(2, 25), document.source().positionOf(title.endTag().end()));
        assertEquals("\r\n", document.source().lineSeparator());
    }

    @Test
    void byteOrderMarkAndDeclaredEncodingsAreHonoured() throws XmlLoadException {
        byte[] bom = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, "<domain><name>b</name></domain>"
                .getBytes(StandardCharsets.UTF_8));
        XmlDocument withBom = loader.load("bom.xml", bom);
        assertTrue(withBom.source().hasByteOrderMark());
        assertEquals(0, withBom.root().startTag().start());

        byte[] latin1 = "<?xml version='1.0' encoding='ISO-8859-1'?><domain><name>caf\u00e9</name></domain>"
                .getBytes(StandardCharsets.ISO_8859_1);
        XmlDocument declared = loader.load("latin1.xml", latin1);
        assertEquals(Charset.forName("ISO-8859-1"), declared.source().charset());
        assertEquals("caf\u00e9", declared.root().child("name").orElseThrow().text());

        byte[] utf16 = concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, "<domain/>".getBytes(StandardCharsets.UTF_16LE));
        assertEquals("domain", loader.load("utf16.xml", utf16).root().qualifiedName());
    }

    @Test
    void unknownDeclaredEncodingIsAnError() {
        assertEquals(XmlLoadException.Kind.ENCODING,
                refused("<?xml version='1.0' encoding='klingon-8'?><domain/>").kind());
    }

    @Test
    void undeclaredQemuPrefixStillLoads() throws XmlLoadException {
        XmlDocument document = load("<domain><qemu:commandline><qemu:arg value='-S'/></qemu:commandline></domain>");
        XmlElement block = document.root().children().get(0);
        assertEquals("qemu:commandline", block.qualifiedName());
        assertTrue(XmlDocument.isUndeclaredNamespace(block.namespaceUri()));
        assertEquals(java.util.Set.of("qemu"), document.undeclaredPrefixes());
        assertEquals(0, block.startTag().start() - "<domain>".length());
    }

    @Test
    void attributeValuesWithAngleBracketsAndEntities() throws XmlLoadException {
        String text = "<domain><arg value='a&gt;b &amp; &apos;c&apos;' other=\"x>y\"/></domain>";
        XmlElement arg = load(text).root().children().get(0);
        assertEquals("a>b & 'c'", arg.attributeValue("value").orElseThrow());
        assertEquals("x>y", arg.attributeValue("other").orElseThrow());
        XmlAttribute other = arg.attribute("other").orElseThrow();
        assertEquals("x>y", text.substring(other.valueSpan().start(), other.valueSpan().end()));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    @Test
    void aDirectoryIsUnreadableNotACrash(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        XmlLoadException e = assertThrows(XmlLoadException.class, () -> loader.load(dir));
        assertEquals(XmlLoadException.Kind.UNREADABLE, e.kind());
    }
}
