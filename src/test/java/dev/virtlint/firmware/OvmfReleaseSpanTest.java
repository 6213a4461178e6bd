package dev.virtlint.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class OvmfReleaseSpanTest {
    private static final List<OvmfReleaseSpan> SPANS = OvmfReleaseSpan.WHEN_UNNAMED;

    @Test
    void everyReleaseFromTheOldestAssumedToTheNewestModelledIsInExactlyOneSpan() {
        Set<OvmfRelease> seen = new HashSet<>();
        for (OvmfReleaseSpan span : SPANS) {
            for (OvmfRelease release : span.releases()) {
                assertTrue(seen.add(release), release + " twice");
                assertEquals(span.modelledAs().behaviour(), release.behaviour(), span.label());
            }
        }
        for (String release : List.of("2022.02", "2022.11", "2023.08", "2024.02", "2024.11", "2025.05", "2026.02",
                "2026.08")) {
            assertTrue(seen.contains(OvmfRelease.parse(release).orElseThrow()), release);
        }
        assertFalse(seen.contains(new OvmfRelease(2021, 11)), "older than Ubuntu 22.04's: checked only when named");
        assertEquals(SPANS.size(), SPANS.stream().map(span -> span.modelledAs().behaviour()).distinct().count(),
                "one span per behaviour");
        for (OvmfRelease booted : OvmfRelease.BOOTED) {
            assertTrue(SPANS.stream().anyMatch(span -> span.modelledAs().behaviour().equals(booted.behaviour())),
                    "no span has the behaviour of the booted " + booted.parseableText() + ": a backporting build"
                            + " missing from OvmfReleaseSpan's list");
        }
    }

    @Test
    void theSpansAreTheEdk2ChangesTheModelKnows() {
        assertEquals(List.of("2022.02 to 2022.08", "2022.11", "2023.02 to 2023.05",
                "2023.08 to 2024.05 except Ubuntu 24.04's 2024.02", "Ubuntu 24.04's 2024.02",
                "2024.08 to 2025.02 except Debian 13's 2025.02",
                "2025.05 to 2025.11, 2026.05+ and Debian 13's 2025.02", "2026.02"),
                SPANS.stream().map(OvmfReleaseSpan::label).toList());
    }

    @Test
    void spansSaidTogetherNameTheReleasesTheyHold() {
        assertEquals("2022.02+", OvmfReleaseSpan.describe(SPANS), "every span: no build excepted or added");
        assertEquals("2024.08+", OvmfReleaseSpan.describe(SPANS.subList(5, 8)));
        assertEquals("2022.02 to 2022.11 and 2026.02", OvmfReleaseSpan.describe(List.of(SPANS.get(0), SPANS.get(1),
                SPANS.get(7))));
        assertEquals("2025.05+ and Debian 13's 2025.02",
                OvmfReleaseSpan.describe(List.of(SPANS.get(6), SPANS.get(7))));
        assertEquals("2023.08 to 2024.05", OvmfReleaseSpan.describe(SPANS.subList(3, 5)),
                "Ubuntu 24.04's build among its release's span: nothing excepted");
    }

    @Test
    void aSpanIsCheckedAsABootedBuildWhereOneHasItsBehaviour() {
        OvmfReleaseSpan newest = SPANS.get(6);
        assertEquals(OvmfRelease.DEBIAN_2026_08, newest.modelledAs(), "a booted build of the span's own releases");
        assertTrue(newest.verifiedByBoot());
        assertEquals(OvmfRelease.EDK2_2022_11, SPANS.get(1).modelledAs());
        assertEquals(OvmfRelease.UBUNTU_2022_02, SPANS.get(0).modelledAs(), "Ubuntu 22.04's build is upstream 2022.02");
        assertTrue(SPANS.get(0).verifiedByBoot());
        // Ubuntu 24.04's build carries 2025.05's knob change without 2024.08's GuestPhysBits: no upstream release has
        // that behaviour, so the build is a span of its own, checked as itself (docs/verified-stacks.md).
        OvmfReleaseSpan noble = SPANS.get(4);
        assertEquals(List.of(), noble.releases());
        assertEquals(OvmfRelease.UBUNTU_2024_02, noble.modelledAs());
        assertTrue(noble.verifiedByBoot());
        assertFalse(SPANS.get(3).verifiedByBoot(), "upstream 2023.08 to 2024.05 differs from noble's in the knob");
        assertFalse(SPANS.get(7).verifiedByBoot(), "no build of 2026.02 was booted");
        for (OvmfReleaseSpan span : SPANS) {
            assertEquals(span.modelledAs(), OvmfRelease.parse(span.modelledAs().parseableText()).orElseThrow(),
                    "the linter names the span's build by its text: " + span.label());
        }
    }
}
