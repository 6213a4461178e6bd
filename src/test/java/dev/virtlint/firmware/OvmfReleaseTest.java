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
}
