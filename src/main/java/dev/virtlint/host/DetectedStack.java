package dev.virtlint.host;

import java.util.List;
import java.util.Optional;

/**
 * The versions of the stack a domain will run on, as the tools print them (QEMU {@code 10.0.2}, with the package
 * the distribution built it from when QEMU names one, {@code 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)}; libvirt
 * {@code 11.3.0}, OVMF as its package version, e.g. {@code 2022.11-6+deb12u2}); each absent when unknown.
 * Parsing them is the linter's business.
 */
public record DetectedStack(Optional<String> qemu, Optional<String> libvirt, Optional<String> ovmf,
                            List<HostWarning> warnings) {

    public DetectedStack {
        warnings = List.copyOf(warnings);
    }
}
