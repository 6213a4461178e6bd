package dev.virtlint.host;

import java.util.Optional;

/**
 * Which host driver owns a PCI function ({@code /sys/bus/pci/devices/<BDF>/driver}, a link named after the driver),
 * or that none does. Only known for a device directory that shows the binding at all: see
 * {@link HostRootReader}.
 */
public record DriverBinding(Optional<String> driver) {
    /** The driver libvirt and VFIO hand a device to a guest with. */
    public static final String VFIO_PCI = "vfio-pci";
    public static final DriverBinding UNBOUND = new DriverBinding(Optional.empty());

    public static DriverBinding bound(String driver) {
        return new DriverBinding(Optional.of(driver));
    }

    public boolean isBound() {
        return driver.isPresent();
    }

    public boolean isBoundTo(String name) {
        return driver.map(name::equals).orElse(false);
    }

    /** "bound to NAME" or "bound to no driver", for messages and reports. */
    public String describe() {
        return driver.map(name -> "bound to " + name).orElse("bound to no driver");
    }
}
