package dev.virtlint.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.support.CliRun;
import dev.virtlint.support.RealStack;

/**
 * {@code host-facts --connect qemu:///system} against the real local libvirtd: what libvirt reports about this
 * machine must be what the local capture of {@code /} reads from sysfs and procfs.
 */
@Tag("oracle")
class LibvirtCaptureOracleTest {

    @Test
    void aCaptureThroughLibvirtAgreesWithTheLocalSnapshot(@TempDir Path dir) throws Exception {
        RealStack.assumeLibvirt();
        Path remote = dir.resolve("remote");
        Path local = dir.resolve("local");

        CliRun connect = CliRun.run("host-facts", "--connect", "qemu:///system", "--snapshot", remote.toString());
        CliRun snapshot = CliRun.run("host-facts", "--snapshot", local.toString());

        assertEquals(0, connect.exitCode(), connect.err());
        assertEquals(0, snapshot.exitCode(), snapshot.err());
        HostFacts viaLibvirt = HostRootReader.read(remote);
        HostFacts viaSysfs = HostRootReader.read(local);
        assertTrue(viaSysfs.physBits().isPresent(), "this machine's /proc/cpuinfo gives its address sizes");
        assertEquals(viaSysfs.cpuVendor(), viaLibvirt.cpuVendor());
        assertEquals(viaSysfs.physBits(), viaLibvirt.physBits());
        assertEquals(viaSysfs.iommuEnabled(), viaLibvirt.iommuEnabled());
        assertEquals(viaSysfs.pciDevices().orElseThrow().size(), viaLibvirt.pciDevices().orElseThrow().size());
        for (PciDevice device : viaLibvirt.pciDevices().orElseThrow()) {
            PciDevice sysfs = viaSysfs.pciDevice(device.address()).orElseThrow();
            assertEquals(sysfs.vendor(), device.vendor(), device.address().bdf());
            assertEquals(sysfs.device(), device.device(), device.address().bdf());
            assertEquals(sysfs.classCode(), device.classCode(), device.address().bdf());
            assertEquals(sysfs.iommuGroup(), device.iommuGroup(), device.address().bdf());
            assertEquals(Optional.empty(), device.resources(), "libvirt does not report BARs");
        }
        DetectedStack remoteStack = new StackDetector().detect(remote, viaLibvirt);
        DetectedStack localStack = new StackDetector().detect(local, viaSysfs);
        // The local capture keeps the package QEMU names itself by ("10.0.2 (Debian 1:10.0.2+…)"); libvirt reports
        // the version number only.
        assertEquals(localStack.qemu().map(version -> version.split(" ")[0]), remoteStack.qemu());
        assertEquals(localStack.libvirt(), remoteStack.libvirt());
    }
}
