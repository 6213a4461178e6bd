package dev.virtlint.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Uses libvirt's built-in test driver, which needs no daemon; skipped where libvirt.so.0 is absent. */
class LibvirtConnectionTest {

    private static String testUri() throws URISyntaxException {
        Path node = Path.of(LibvirtConnectionTest.class.getResource("/host/node.xml").toURI());
        return "test://" + node.toAbsolutePath();
    }

    private static void assumeLibvirt() {
        assumeTrue(LibvirtConnection.libraryAvailable(),
                "libvirt.so.0 is not installed (Debian/Ubuntu package libvirt0); skipping the test:/// connection");
    }

    @Test
    void listsEveryDefinedDomainWithItsInactiveXml() throws Exception {
        assumeLibvirt();
        try (LibvirtConnection connection = LibvirtConnection.open(testUri())) {
            List<LibvirtConnection.DefinedDomain> domains = connection.definedDomains();
            assertEquals(List.of("gpu-passthrough", "office"),
                    domains.stream().map(LibvirtConnection.DefinedDomain::name).toList());
            String xml = domains.get(0).inactiveXml();
            assertTrue(xml.startsWith("<domain type='test'>"), xml);
            assertTrue(xml.contains("<maxphysaddr mode='passthrough' limit='39'/>"), xml);
            assertTrue(xml.contains("<address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>"), xml);
            assertTrue(domains.get(1).inactiveXml().contains("<name>office</name>"));
        }
    }

    @Test
    void theTestDriverReportsNoHostCpuVendor() throws Exception {
        assumeLibvirt();
        try (LibvirtConnection connection = LibvirtConnection.open(testUri())) {
            assertTrue(connection.capabilitiesXml().contains("<capabilities>"));
            assertEquals(new LibvirtConnection.HostCpu(Optional.empty(), Optional.empty()), connection.hostCpu());
        }
    }

    @Test
    void aConnectionThatFailsGivesLibvirtsMessage() {
        assumeLibvirt();
        LibvirtConnection.LibvirtConnectionException error = assertThrows(
                LibvirtConnection.LibvirtConnectionException.class,
                () -> LibvirtConnection.open("test:///nonexistent/virt-lint/node.xml"));
        assertTrue(error.getMessage().startsWith("cannot connect to test:///nonexistent/virt-lint/node.xml: "),
                error.getMessage());
        assertTrue(error.getMessage().contains("No such file or directory"), error.getMessage());
    }

    @Test
    void hostCpuFromQemuDriverCapabilities() throws Exception {
        String xml;
        try (InputStream in = LibvirtConnectionTest.class.getResourceAsStream("/host/capabilities-amd.xml")) {
            xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        LibvirtConnection.HostCpu cpu = LibvirtConnection.parseHostCpu(xml);
        assertEquals(Optional.of("AMD"), cpu.vendorName());
        assertEquals(Optional.of(CpuVendor.AMD), cpu.vendor());
        assertEquals(Optional.of(48), cpu.physBits());
    }

    @Test
    void hostCpuVendorNames() throws Exception {
        String intel = "<capabilities><host><cpu><vendor>Intel</vendor><maxphysaddr mode='emulate' bits='39'/>"
                + "</cpu></host></capabilities>";
        assertEquals(new LibvirtConnection.HostCpu(Optional.of("Intel"), Optional.of(39)),
                LibvirtConnection.parseHostCpu(intel));
        assertEquals(Optional.of(CpuVendor.INTEL), LibvirtConnection.parseHostCpu(intel).vendor());
        assertEquals(Optional.of(CpuVendor.OTHER), LibvirtConnection.parseHostCpu(
                "<capabilities><host><cpu><vendor>Hygon</vendor></cpu></host></capabilities>").vendor());
    }

    @Test
    void unreadableCapabilitiesAreAnError() throws IOException {
        assertThrows(LibvirtConnection.LibvirtConnectionException.class,
                () -> LibvirtConnection.parseHostCpu("<capabilities><host>"));
    }
}
