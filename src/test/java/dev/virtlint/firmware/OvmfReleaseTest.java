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
    void ubuntuBuildsOf202402FromRevision0Point4CarryTheKnobOverride() {
        for (String text : new String[] {"2024.02-2ubuntu0.4", "2024.02-2ubuntu0.10", "2024.02-2ubuntu0.11~esm1"}) {
            OvmfRelease build = OvmfRelease.parse(text).orElseThrow();
            assertTrue(build.knobOverridesDynamicWindow(), text);
            assertEquals(OvmfRelease.UBUNTU_2024_02, build, text);
            assertEquals("Ubuntu", build.knobOverrideBackportedBy().orElseThrow(), text);
            assertFalse(build.honoursGuestPhysBits(), "still 2024.02 otherwise: " + text);
        }
        for (String text : new String[] {"2024.02", "2024.02-2", "2024.02-2ubuntu0.3", "2024.02-1ubuntu4",
                "2022.02-3ubuntu0.22.04.7"}) {
            assertFalse(OvmfRelease.parse(text).orElseThrow().knobOverridesDynamicWindow(), text);
        }
        assertEquals("Debian", OvmfRelease.DEBIAN_2025_02.knobOverrideBackportedBy().orElseThrow());
        assertTrue(OvmfRelease.EDK2_2022_11.knobOverrideBackportedBy().isEmpty());
    }

    @Test
    void ubuntuJammysBuildIsUpstream202202() {
        OvmfRelease jammy = OvmfRelease.parse("2022.02-3ubuntu0.22.04.7").orElseThrow();
        assertEquals(OvmfRelease.UBUNTU_2022_02, jammy);
        assertFalse(jammy.hasDynamicWindow());
        assertFalse(jammy.padsHotplugPortsIn64BitSpace());
    }

    @Test
    void everyBootedBuildReadsBackFromItsText() {
        for (OvmfRelease build : OvmfRelease.BOOTED) {
            assertEquals(build, OvmfRelease.parse(build.parseableText()).orElseThrow(), build.parseableText());
        }
        assertEquals("2025.02", OvmfRelease.DEBIAN_2025_02.toString());
        assertEquals("2025.02-2", OvmfRelease.DEBIAN_2025_02.parseableText());
        assertEquals("2024.02-2ubuntu0.4", OvmfRelease.UBUNTU_2024_02.parseableText());
        assertEquals("2022.02", OvmfRelease.UBUNTU_2022_02.parseableText());
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
        for (String text : new String[] {"2022.11-6+deb12u2", "2025.02-8+deb13u1", "2026.08+ds-2", "2026.08",
                "2022.02-3ubuntu0.22.04.7", "2022.02", "2024.02-2ubuntu0.10", "2024.02-2ubuntu0.4"}) {
            OvmfRelease build = OvmfRelease.parse(text).orElseThrow();
            assertTrue(build.verifiedByBoot(), text);
            assertTrue(build.evidence().startsWith("verified by a boot"), text);
        }
        for (String text : new String[] {"2022.05", "2024.02", "2024.02-2ubuntu0.3", "2025.02", "2025.05", "2026.05"}) {
            OvmfRelease release = OvmfRelease.parse(text).orElseThrow();
            assertFalse(release.verifiedByBoot(), text);
            assertTrue(release.evidence().startsWith("modelled from edk2 source, not verified by a boot"), text);
        }
        assertTrue(OvmfRelease.parse("2024.02").orElseThrow().evidence().endsWith("the 2024.02 that was booted is"
                + " Ubuntu's build, which carries 2025.05's X-PciMmio64Mb change (give its package version, such as"
                + " 2024.02-2ubuntu0.10)"));
        assertTrue(OvmfRelease.parse("2025.02").orElseThrow().evidence().endsWith("is Debian's build, which carries"
                + " 2025.05's X-PciMmio64Mb change (give its package version, such as 2025.02-8+deb13u1)"));
        String newer = OvmfRelease.parse("2026.11").orElseThrow().evidence();
        assertTrue(newer.startsWith("modelled from edk2 source as 2026.08") && newer.contains("PR #12997"), newer);
    }

    /**
     * {@link OvmfRelease.Behaviour} is what tells spans of releases apart where no OVMF is named, so it must hold every
     * behaviour of a release (each no-argument method that answers a yes or a number, other than the build's
     * identity): a behaviour it lacked would put releases that differ into one span. Every release from 2019 to 2027,
     * and each booted build, is compared with every other.
     */
    @Test
    void theBehaviourRecordHoldsEveryBehaviour() throws ReflectiveOperationException {
        Set<String> identity = Set.of("year", "month", "knobOverrideBackported", "verifiedByBoot", "hashCode");
        List<Method> behaviours = new ArrayList<>();
        for (Method method : OvmfRelease.class.getDeclaredMethods()) {
            Class<?> type = method.getReturnType();
            if (Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 0
                    || identity.contains(method.getName()) || (type != boolean.class && type != int.class)) {
                continue;
            }
            method.setAccessible(true);
            behaviours.add(method);
        }
        assertTrue(behaviours.stream().map(Method::getName).toList().containsAll(List.of("knobOverridesDynamicWindow",
                "movesWindowBelowReservations", "physBitsCap",
                "placesNonPrefetchable64BitBarsInBridgePrefetchableWindows")), behaviours.toString());
        List<OvmfRelease> releases = new ArrayList<>(OvmfRelease.BOOTED);
        for (int year = 2019; year <= 2027; year++) {
            for (int month = 1; month <= 12; month++) {
                releases.add(new OvmfRelease(year, month));
            }
        }
        for (OvmfRelease a : releases) {
            for (OvmfRelease b : releases) {
                if (!a.behaviour().equals(b.behaviour())) {
                    continue;
                }
                for (Method method : behaviours) {
                    assertEquals(method.invoke(a), method.invoke(b), method.getName() + " differs between " + a
                            + " and " + b + ", which have one Behaviour: add it to the record");
                }
            }
        }
    }
}
