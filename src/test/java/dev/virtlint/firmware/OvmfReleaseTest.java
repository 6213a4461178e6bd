package dev.virtlint.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OvmfReleaseTest {
    @Test
    void parsesTheSpellingsPackagesUse() {
        OvmfRelease expected = new OvmfRelease(2022, 11);
        for (String text : new String[] {"2022.11", "202211", "edk2-stable202211", "2022.11-6+deb12u2"}) {
            assertEquals(expected, OvmfRelease.parse(text).orElseThrow(), text);
        }
        assertTrue(OvmfRelease.parse("2022.13").isEmpty());
        assertTrue(OvmfRelease.parse("stable").isEmpty());
        assertEquals("2024.02", OvmfRelease.parse("2024.02-2").orElseThrow().toString());
    }

    @Test
    void debianBuildsOf202502FromRevision2CarryTheKnobOverride() {
        for (String text : new String[] {"2025.02-8+deb13u1", "2025.02-2", "2025.02-8~bpo12+1"}) {
            OvmfRelease build = OvmfRelease.parse(text).orElseThrow();
            assertTrue(build.knobOverridesDynamicWindow(), text);
            assertEquals(0, build.compareTo(new OvmfRelease(2025, 2)), "as old as 2025.02: " + text);
        }
        for (String text : new String[] {"2025.02", "2025.02-1", "edk2-stable202502", "2025.02-3ubuntu1"}) {
            assertFalse(OvmfRelease.parse(text).orElseThrow().knobOverridesDynamicWindow(), text);
        }
        assertTrue(OvmfRelease.parse("2025.05").orElseThrow().knobOverridesDynamicWindow());
    }

    @Test
    void everyVerifiedBuildReadsBackFromItsText() {
        for (OvmfRelease build : OvmfRelease.VERIFIED) {
            assertEquals(build, OvmfRelease.parse(build.parseableText()).orElseThrow(), build.parseableText());
        }
        assertEquals("2025.02", OvmfRelease.DEBIAN_2025_02.toString());
    }

    @Test
    void parsesTheReleasesAfter202502() {
        assertEquals(new OvmfRelease(2025, 5), OvmfRelease.parse("2025.05").orElseThrow());
        for (String text : new String[] {"2025.11", "202511", "edk2-stable202511", "2025.11-1"}) {
            assertEquals(new OvmfRelease(2025, 11), OvmfRelease.parse(text).orElseThrow(), text);
        }
        assertEquals(new OvmfRelease(2025, 8), OvmfRelease.parse("edk2-stable202508.01").orElseThrow());
        assertEquals(new OvmfRelease(2026, 8), OvmfRelease.parse("2026.08+ds-2").orElseThrow(), "Debian sid's");
    }

    @Test
    void onlyTheBootedBuildsAreVerifiedAndReleasesAfterTheModelSaySo() {
        assertTrue(OvmfRelease.parse("2022.11-6+deb12u2").orElseThrow().verifiedByBoot());
        assertTrue(OvmfRelease.parse("2025.02-8+deb13u1").orElseThrow().verifiedByBoot());
        for (String text : new String[] {"2022.02", "2025.02", "2025.05", "2026.08"}) {
            OvmfRelease release = OvmfRelease.parse(text).orElseThrow();
            assertFalse(release.verifiedByBoot(), text);
            assertTrue(release.evidence().startsWith("modelled from edk2 source, not verified by a boot"), text);
        }
        String newer = OvmfRelease.parse("2026.11").orElseThrow().evidence();
        assertTrue(newer.startsWith("modelled from edk2 source as 2026.08") && newer.contains("PR #12997"), newer);
    }
}
