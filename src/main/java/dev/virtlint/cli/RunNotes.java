package dev.virtlint.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.virtlint.firmware.OvmfRelease;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.schema.DomainSchema;

/**
 * Decides which notes a lint run prints once, on standard error before any finding: facts about the whole run
 * (a rule that cannot be checked on this machine, firmware findings that rest on a model) that would otherwise
 * repeat for every file of a directory. With --quiet there are none.
 */
final class RunNotes {
    private final PrintStream err;
    private final boolean quiet;
    private final Optional<Path> libvirtSchemas;

    /** {@code libvirtSchemas} is the directory --libvirt-schemas names, if it does. */
    RunNotes(PrintStream err, boolean quiet, Optional<Path> libvirtSchemas) {
        this.err = err;
        this.quiet = quiet;
        this.libvirtSchemas = libvirtSchemas;
    }

    void print(List<LintSetup.Profile> profiles) {
        schemasMissing(profiles);
        ovmfModelledOnly(profiles);
    }

    /** VL010 is selected but this machine has no libvirt whose schemas it could read. */
    private void schemasMissing(List<LintSetup.Profile> profiles) {
        boolean selected = profiles.stream().anyMatch(profile -> profile.rules().stream()
                .anyMatch(rule -> rule.meta().id().equals("VL010")));
        if (!quiet && selected && DomainSchema.notInstalledHere(libvirtSchemas.orElse(DomainSchema.INSTALLED))) {
            err.println("virt-lint: note: libvirt is not installed here (no " + DomainSchema.INSTALLED
                    + "/domain.rng), so VL010 (schema validity) is not checked; install libvirt's client tools"
                    + " (Debian: libvirt-clients) or give --libvirt-schemas DIR");
        }
    }

    /**
     * Once per OVMF release the run names (with --ovmf-version, in a configuration, or from a host's package) that was
     * not booted: the firmware findings rest on edk2's source only. Their data says the same (ovmfEvidence).
     */
    private void ovmfModelledOnly(List<LintSetup.Profile> profiles) {
        if (quiet) {
            return;
        }
        Set<OvmfRelease> releases = new LinkedHashSet<>();
        for (LintSetup.Profile profile : profiles) {
            for (LintEnvironment environment : profile.environments()) {
                if (!environment.ovmfAssumed()) {
                    OvmfRelease.parse(environment.stack().ovmf()).filter(release -> !release.verifiedByBoot())
                            .ifPresent(releases::add);
                }
            }
        }
        for (OvmfRelease release : releases) {
            err.println("virt-lint: note: OVMF " + release + " is " + release.evidence()
                    + "; the firmware findings (VL104, VL201, VL202, VL203) rest on that model");
        }
    }
}
