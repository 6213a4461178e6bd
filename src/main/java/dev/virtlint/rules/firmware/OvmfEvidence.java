package dev.virtlint.rules.firmware;

import dev.virtlint.firmware.OvmfRelease;
import dev.virtlint.rules.FindingBuilder;

/**
 * What a firmware finding's data says about the OVMF release the model took and what the model of that release rests
 * on: a boot of the build, or edk2's source only (docs/ovmf-releases.md). Where the run checks a guest under each
 * span of releases, the linter reads these keys to name the spans a finding holds in and to weigh it by their
 * evidence.
 */
public final class OvmfEvidence {
    /** The release the model took, as people name it: {@code 2025.02}. */
    public static final String RELEASE = "ovmfRelease";
    /** Whether the OVMF oracle boots a build with this release's behaviour. */
    public static final String VERIFIED_BY_BOOT = "ovmfVerifiedByBoot";
    /** {@link OvmfRelease#evidence()}, in words. */
    public static final String EVIDENCE = "ovmfEvidence";

    private OvmfEvidence() {
    }

    static FindingBuilder with(FindingBuilder finding, OvmfRelease release) {
        return finding.data(RELEASE, release.toString())
                .data(VERIFIED_BY_BOOT, release.verifiedByBoot())
                .data(EVIDENCE, release.evidence());
    }
}
