package dev.virtlint.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.virtlint.firmware.DeclaredDevices;
import dev.virtlint.platform.Version;
import dev.virtlint.rules.Severity;

/**
 * What a configuration says about one file; every field is optional, and what it leaves out falls back to
 * the command line's defaults.
 *
 * @param hostRoots the captured hosts the file is checked against ({@code host-root}: one, {@code hosts:} a
 *                  fleet), already resolved against the configuration's directory
 * @param devices   BAR sizes declared for host PCI devices, merged per device across overrides
 */
public record Settings(Optional<List<String>> select, Optional<List<String>> ignore, Map<String, Severity> severity,
                       Optional<String> failOn, Optional<Version> qemuVersion, Optional<Version> libvirtVersion,
                       Optional<String> ovmfVersion, Optional<List<Path>> hostRoots, Optional<Boolean> unsafeFixes,
                       DeclaredDevices devices) {

    public static final Settings NONE = new Settings(Optional.empty(), Optional.empty(), Map.of(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
            DeclaredDevices.NONE);

    public Settings {
        select = select.map(List::copyOf);
        ignore = ignore.map(List::copyOf);
        severity = Map.copyOf(severity);
        hostRoots = hostRoots.map(List::copyOf);
    }

    /** These settings with every value that {@code later} sets taken from it instead (severities per rule). */
    public Settings overriddenBy(Settings later) {
        Map<String, Severity> severities = new LinkedHashMap<>(severity);
        severities.putAll(later.severity);
        return new Settings(later.select.or(() -> select), later.ignore.or(() -> ignore), severities,
                later.failOn.or(() -> failOn), later.qemuVersion.or(() -> qemuVersion),
                later.libvirtVersion.or(() -> libvirtVersion), later.ovmfVersion.or(() -> ovmfVersion),
                later.hostRoots.or(() -> hostRoots), later.unsafeFixes.or(() -> unsafeFixes),
                devices.overriddenBy(later.devices));
    }

    // Written out rather than generated: settings are the key of the linter-profile cache, which every run
    // hashes, and a record's generated equals and hashCode are bootstrapped through method handles on first
    // use, which costs a short CLI run about 15 ms (see bench/run.py).
    @Override
    public boolean equals(Object other) {
        return other instanceof Settings settings && select.equals(settings.select) && ignore.equals(settings.ignore)
                && severity.equals(settings.severity) && failOn.equals(settings.failOn)
                && qemuVersion.equals(settings.qemuVersion) && libvirtVersion.equals(settings.libvirtVersion)
                && ovmfVersion.equals(settings.ovmfVersion) && hostRoots.equals(settings.hostRoots)
                && unsafeFixes.equals(settings.unsafeFixes) && devices.equals(settings.devices);
    }

    @Override
    public int hashCode() {
        return Objects.hash(select, ignore, severity, failOn, qemuVersion, libvirtVersion, ovmfVersion, hostRoots,
                unsafeFixes, devices);
    }

    public RuleSelection ruleSelection() {
        return new RuleSelection(select.orElse(List.of(RuleSelection.ALL)), ignore.orElse(List.of()), severity);
    }
}
