package dev.virtlint.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Edits into an element with no children come out as the author would have typed them, byte for byte. */
class EditsTest {
    private static final String BLOCK = "<hostdev mode='subsystem' type='pci'>\n\t<source/>\n</hostdev>";

    private static String insertIntoDevices(String xml) throws XmlLoadException {
        XmlDocument document = new SafeXmlLoader().load("domain.xml", xml.getBytes(StandardCharsets.UTF_8));
        XmlElement devices = document.root().children().stream()
                .filter(child -> child.localName().equals("devices")).findFirst().orElseThrow();
        TextEdit edit = Edits.insertChildBlock(document.source(), devices, BLOCK, List.of());
        return xml.substring(0, edit.start()) + edit.replacement() + xml.substring(edit.end());
    }

    @Test
    void anElementHoldingOnlyWhitespaceLeavesNoLineOfSpaces() throws XmlLoadException {
        assertEquals("<domain>\n  <devices>\n    <hostdev mode='subsystem' type='pci'>\n      <source/>\n"
                        + "    </hostdev>\n  </devices>\n</domain>\n",
                insertIntoDevices("<domain>\n  <devices>\n  </devices>\n</domain>\n"));
        assertEquals("<domain>\r\n  <devices>\r\n    <hostdev mode='subsystem' type='pci'>\r\n      <source/>\r\n"
                        + "    </hostdev>\r\n  </devices>\r\n</domain>\r\n",
                insertIntoDevices("<domain>\r\n  <devices>\r\n    \r\n  </devices>\r\n</domain>\r\n"));
    }

    @Test
    void anEmptyElementOpensOntoLinesOfItsOwn() throws XmlLoadException {
        assertEquals("<domain>\n  <devices>\n    <hostdev mode='subsystem' type='pci'>\n      <source/>\n"
                        + "    </hostdev>\n  </devices>\n</domain>\n",
                insertIntoDevices("<domain>\n  <devices></devices>\n</domain>\n"));
    }

    @Test
    void aCommentOnItsOwnLineStaysOnItsOwnLineAfterTheChild() throws XmlLoadException {
        assertEquals("<domain>\n  <devices>\n    <hostdev mode='subsystem' type='pci'>\n      <source/>\n"
                        + "    </hostdev>\n    <!-- GPU goes here -->\n  </devices>\n</domain>\n",
                insertIntoDevices("<domain>\n  <devices>\n    <!-- GPU goes here -->\n  </devices>\n</domain>\n"));
    }
}
