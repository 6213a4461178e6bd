package dev.virtlint.host;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.libvirt.Connect;
import org.libvirt.Device;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.jna.Libvirt;

import com.sun.jna.NativeLibrary;

import dev.virtlint.xml.SafeXmlLoader;
import dev.virtlint.xml.XmlElement;
import dev.virtlint.xml.XmlLoadException;

/**
 * A read-only libvirt connection ({@code --connect URI}) through libvirt's Java bindings. libvirt.so.0 is
 * loaded only when the first connection is opened, so a host without libvirt runs everything else and gets a
 * one-line error here. Works with every driver, including the daemon-less {@code test:///path/node.xml}.
 */
public final class LibvirtConnection implements AutoCloseable {

    /** A connection that could not be opened or a call that failed, with libvirt's own one-line message. */
    public static final class LibvirtConnectionException extends Exception {
        LibvirtConnectionException(String message) {
            super(message);
        }
    }

    /** A persistent domain and its inactive definition, which is what {@code virsh define} would get back. */
    public record DefinedDomain(String name, String inactiveXml) {
    }

    /** The host CPU as libvirt's capabilities describe it; the test driver reports neither field. */
    public record HostCpu(Optional<String> vendorName, Optional<Integer> physBits) {
        public Optional<CpuVendor> vendor() {
            return vendorName.map(CpuVendor::fromLibvirtName);
        }
    }

    /**
     * libvirt's default error handler prints every error to standard error as well as returning it; errors
     * reach the user once, as this class's exception message. Held in a field because JNA drops callbacks
     * that are garbage-collected.
     */
    private static final Libvirt.VirErrorCallback SILENT = (userData, error) -> { };

    private final Connect connect;
    private final String uri;

    private LibvirtConnection(Connect connect, String uri) {
        this.connect = connect;
        this.uri = uri;
    }

    /** Whether libvirt.so.0 can be loaded on this machine. */
    public static boolean libraryAvailable() {
        try {
            NativeLibrary.getInstance("virt");
            return true;
        } catch (UnsatisfiedLinkError e) {
            return false;
        }
    }

    public static LibvirtConnection open(String uri) throws LibvirtConnectionException {
        try {
            Connect.setErrorCallback(SILENT);
            return new LibvirtConnection(new Connect(uri, true), uri);
        } catch (LibvirtException e) {
            throw new LibvirtConnectionException("cannot connect to " + uri + ": " + e.getMessage());
        } catch (LinkageError e) {
            throw new LibvirtConnectionException("cannot connect to " + uri
                    + ": libvirt is not installed (libvirt.so.0 not found; on Debian and Ubuntu it is in libvirt0)");
        }
    }

    /** Every persistent domain, running or not, sorted by name, with its inactive XML. */
    public List<DefinedDomain> definedDomains() throws LibvirtConnectionException {
        try {
            List<DefinedDomain> domains = new ArrayList<>();
            int persistent = Connect.ConnectListAllDomainsFlags.CONNECT_LIST_DOMAINS_PERSISTENT;
            for (Domain domain : connect.listAllDomains(persistent)) {
                try {
                    domains.add(new DefinedDomain(domain.getName(), domain.getXMLDesc(Domain.XMLFlags.INACTIVE)));
                } finally {
                    domain.free();
                }
            }
            domains.sort((a, b) -> a.name().compareTo(b.name()));
            return domains;
        } catch (LibvirtException e) {
            throw new LibvirtConnectionException("cannot list the domains of " + uri + ": " + e.getMessage());
        }
    }

    public String capabilitiesXml() throws LibvirtConnectionException {
        try {
            return connect.getCapabilities();
        } catch (LibvirtException e) {
            throw new LibvirtConnectionException("cannot read the capabilities of " + uri + ": " + e.getMessage());
        }
    }

    /** {@code virsh nodedev-list --cap pci} and each device's {@code nodedev-dumpxml}, in libvirt's order. */
    public List<String> pciDevicesXml() throws LibvirtConnectionException {
        try {
            List<String> devices = new ArrayList<>();
            for (String name : connect.listDevices("pci")) {
                Device device = connect.deviceLookupByName(name);
                try {
                    devices.add(device.getXMLDescription());
                } finally {
                    device.free();
                }
            }
            return devices;
        } catch (LibvirtException e) {
            throw new LibvirtConnectionException("cannot list the PCI devices of " + uri + ": " + e.getMessage());
        }
    }

    /**
     * The QEMU version, as {@code virsh version} prints it on "Running hypervisor: QEMU"; absent for the other
     * drivers, whose version is not QEMU's.
     */
    public Optional<String> qemuVersion() throws LibvirtConnectionException {
        try {
            return "QEMU".equals(connect.getType()) ? Optional.of(version(connect.getVersion())) : Optional.empty();
        } catch (LibvirtException e) {
            throw new LibvirtConnectionException("cannot read the hypervisor version of " + uri + ": "
                    + e.getMessage());
        }
    }

    /** The libvirt version of the daemon at the other end, as {@code virsh version --daemon} prints it. */
    public String libvirtVersion() throws LibvirtConnectionException {
        try {
            return version(connect.getLibVersion());
        } catch (LibvirtException e) {
            throw new LibvirtConnectionException("cannot read the libvirt version of " + uri + ": " + e.getMessage());
        }
    }

    /** libvirt encodes versions as major * 1,000,000 + minor * 1,000 + release. */
    static String version(long encoded) {
        return encoded / 1_000_000 + "." + encoded / 1_000 % 1_000 + "." + encoded % 1_000;
    }

    public HostCpu hostCpu() throws LibvirtConnectionException {
        return parseHostCpu(capabilitiesXml());
    }

    /**
     * {@code <capabilities><host><cpu>}: {@code <vendor>} and {@code <maxphysaddr mode='emulate' bits='N'/>}
     * (present on libvirt 11.3 with the QEMU driver).
     */
    static HostCpu parseHostCpu(String capabilitiesXml) throws LibvirtConnectionException {
        return hostCpu(loadCapabilities(capabilitiesXml));
    }

    static XmlElement loadCapabilities(String capabilitiesXml) throws LibvirtConnectionException {
        try {
            return new SafeXmlLoader().load("capabilities", capabilitiesXml.getBytes(StandardCharsets.UTF_8)).root();
        } catch (XmlLoadException e) {
            throw new LibvirtConnectionException("libvirt returned unreadable capabilities XML: " + e.getMessage());
        }
    }

    static HostCpu hostCpu(XmlElement capabilities) {
        Optional<XmlElement> cpu = capabilities.child("host", "cpu");
        Optional<String> vendor = cpu.flatMap(element -> element.child("vendor"))
                .map(element -> element.text().strip())
                .filter(text -> !text.isEmpty());
        Optional<Integer> bits = cpu.flatMap(element -> element.child("maxphysaddr"))
                .flatMap(element -> element.attributeValue("bits"))
                .filter(text -> text.matches("\\d{1,2}"))
                .map(Integer::parseInt);
        return new HostCpu(vendor, bits);
    }

    @Override
    public void close() throws LibvirtConnectionException {
        try {
            connect.close();
        } catch (LibvirtException e) {
            throw new LibvirtConnectionException("cannot close the connection to " + uri + ": " + e.getMessage());
        }
    }
}
