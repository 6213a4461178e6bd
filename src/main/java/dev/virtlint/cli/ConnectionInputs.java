package dev.virtlint.cli;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import dev.virtlint.host.LibvirtConnection;
import dev.virtlint.libvirt.CpuModels;
import dev.virtlint.platform.HostCpu;

/**
 * Decides what --connect brings to a lint run: every domain defined on the connection, as the inactive XML that
 * its next start uses, and the host CPU the connection's capabilities describe, in the CPUID terms the rules
 * check, for the files whose configuration gives no host facts.
 */
final class ConnectionInputs {
    private ConnectionInputs() {
    }

    /** Adds the connection's defined domains to {@code inputs} and returns the host CPU of its capabilities. */
    static HostCpu addDefinedDomains(String uri, List<Input> inputs)
            throws LibvirtConnection.LibvirtConnectionException {
        try (LibvirtConnection connection = LibvirtConnection.open(uri)) {
            for (LibvirtConnection.DefinedDomain domain : connection.definedDomains()) {
                inputs.add(new Input.LibvirtDomain(uri + "#" + domain.name(), domain.inactiveXml()));
            }
            LibvirtConnection.HostCpu cpu = connection.hostCpu();
            Optional<String> vendorId = cpu.vendor().flatMap(vendor -> switch (vendor) {
                case AMD -> Optional.of(CpuModels.AMD);
                case INTEL -> Optional.of(CpuModels.INTEL);
                case OTHER -> cpu.vendorName();
            });
            return new HostCpu(vendorId, cpu.physBits().map(OptionalInt::of).orElse(OptionalInt.empty()));
        }
    }
}
