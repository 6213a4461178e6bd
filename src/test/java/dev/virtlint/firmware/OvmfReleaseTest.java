package dev.virtlint.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
