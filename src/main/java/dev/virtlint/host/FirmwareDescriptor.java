package dev.virtlint.host;

import java.util.List;
import java.util.Optional;

/**
 * One QEMU firmware descriptor ({@code usr/share/qemu/firmware/*.json}, the interop format libvirt uses for
 * {@code <os firmware='efi'>}). {@code executable} is the flash or memory image; {@code file} is the path
 * relative to the host root.
 */
public record FirmwareDescriptor(String file, Optional<String> description, List<String> interfaceTypes,
                                 Optional<String> device, Optional<String> executable,
                                 Optional<String> nvramTemplate, List<Target> targets, List<String> features) {

    public FirmwareDescriptor {
        interfaceTypes = List.copyOf(interfaceTypes);
        targets = List.copyOf(targets);
        features = List.copyOf(features);
    }

    /** An architecture and the machine-type globs ({@code pc-q35-*}) the firmware supports on it. */
    public record Target(String architecture, List<String> machines) {
        public Target {
            machines = List.copyOf(machines);
        }
    }
}
