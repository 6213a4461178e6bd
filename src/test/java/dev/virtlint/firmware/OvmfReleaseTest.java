package dev.virtlint.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

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
    void everyBootedBuildReadsBackFromItsText() {
        for (OvmfRelease build : OvmfRelease.BOOTED) {
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
        for (String text : new String[] {"2022.11-6+deb12u2", "2025.02-8+deb13u1", "2026.08+ds-2", "2026.08"}) {
            OvmfRelease build = OvmfRelease.parse(text).orElseThrow();
            assertTrue(build.verifiedByBoot(), text);
            assertTrue(build.evidence().startsWith("verified by a boot"), text);
        }
        for (String text : new String[] {"2022.02", "2025.02", "2025.05", "2026.05"}) {
            OvmfRelease release = OvmfRelease.parse(text).orElseThrow();
            assertFalse(release.verifiedByBoot(), text);
            assertTrue(release.evidence().startsWith("modelled from edk2 source, not verified by a boot"), text);
        }
        String newer = OvmfRelease.parse("2026.11").orElseThrow().evidence();
        assertTrue(newer.startsWith("modelled from edk2 source as 2026.08") && newer.contains("PR #12997"), newer);
    }

    /**
     * The range checked where no OVMF is named leaves the booted 2026.08 out only because the model cannot tell it
     * from Debian's 2025.02: every behaviour of the release (each no-argument method that answers a yes or a number,
     * other than the build's identity) must agree. A change that makes them differ fails here, and then 2026.08 has
     * to join {@link OvmfRelease#RANGE_WHEN_UNNAMED}.
     */
    @Test
    void theRangeWhenUnnamedLeavesOutOnlyBuildsModelledAsOneInIt() throws ReflectiveOperationException {
        Set<String> identity = Set.of("year", "month", "knobOverrideBackported", "verifiedByBoot", "hashCode");
        List<String> compared = new ArrayList<>();
        for (Method method : OvmfRelease.class.getDeclaredMethods()) {
            Class<?> type = method.getReturnType();
            if (Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 0
                    || identity.contains(method.getName()) || (type != boolean.class && type != int.class)) {
                continue;
            }
            method.setAccessible(true);
            assertEquals(method.invoke(OvmfRelease.DEBIAN_2025_02), method.invoke(OvmfRelease.DEBIAN_2026_08),
                    method.getName() + " differs between Debian's 2025.02 and 2026.08: add 2026.08 to"
                            + " RANGE_WHEN_UNNAMED");
            compared.add(method.getName());
        }
        assertTrue(compared.containsAll(List.of("knobOverridesDynamicWindow", "movesWindowBelowReservations",
                "physBitsCap", "placesNonPrefetchable64BitBarsInBridgePrefetchableWindows")), compared.toString());
        assertTrue(OvmfRelease.BOOTED.containsAll(OvmfRelease.RANGE_WHEN_UNNAMED));
        assertFalse(OvmfRelease.RANGE_WHEN_UNNAMED.contains(OvmfRelease.DEBIAN_2026_08));
    }
}
