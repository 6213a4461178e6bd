package dev.virtlint.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.virtlint.platform.Version;
import dev.virtlint.rules.Severity;

/**
 * What a configuration says about one file; every field is optional, and what it leaves out falls back to
 * the command line's defaults. {@code hostRoot} is already resolved against the configuration's directory.
 */
public record Settings(Optional<List<String>> select, Optional<List<String>> ignore, Map<String, Severity> severity,
                       Optional<String> failOn, Optional<Version> qemuVersion, Optional<Version> libvirtVersion,
                       Optional<String> ovmfVersion, Optional<Path> hostRoot, Optional<Boolean> unsafeFixes) {

    public static final Settings NONE = new Settings(Optional.empty(), Optional.empty(), Map.of(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public Settings {
        select = select.map(List::copyOf);
        ignore = ignore.map(List::copyOf);
        severity = Map.copyOf(severity);
    }

    /** These settings with every value that {@code later} sets taken from it instead (severities per rule). */
    public Settings overriddenBy(Settings later) {
        Map<String, Severity> severities = new LinkedHashMap<>(severity);
        severities.putAll(later.severity);
        return new Settings(later.select.or(() -> select), later.ignore.or(() -> ignore), severities,
                later.failOn.or(() -> failOn), later.qemuVersion.or(() -> qemuVersion),
                later.libvirtVersion.or(() -> libvirtVersion), later.ovmfVersion.or(() -> ovmfVersion),
                later.hostRoot.or(() -> hostRoot), later.unsafeFixes.or(() -> unsafeFixes));
    }

    // Written out rather than generated: settings are the key of the linter-profile cache, which every run
    // hashes, and a record's generated equals and hashCode are bootstrapped through method handles on first
    // use, which costs a short CLI run about 15 ms (see bench/run.py).
    @Override
    public boolean equals(Object other) {
        return other instanceof Settings settings && select.equals(settings.select) && ignore.equals(settings.ignore)
                && severity.equals(settings.severity) && failOn.equals(settings.failOn)
                && qemuVersion.equals(settings.qemuVersion) && libvirtVersion.equals(settings.libvirtVersion)
                && ovmfVersion.equals(settings.ovmfVersion) && hostRoot.equals(settings.hostRoot)
                && unsafeFixes.equals(settings.unsafeFixes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(select, ignore, severity, failOn, qemuVersion, libvirtVersion, ovmfVersion, hostRoot,
                unsafeFixes);
    }

    public RuleSelection ruleSelection() {
        return new RuleSelection(select.orElse(List.of(RuleSelection.ALL)), ignore.orElse(List.of()), severity);
    }
}
