package dev.virtlint.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MachineCatalogueTest {

    private static final QemuBinary UPSTREAM_10_0_2 = QemuBinary.upstream(Version.parse("10.0.2"));

    private static MachineType parsed(String name) {
        return MachineCatalogue.parse(name).orElseThrow(() -> new AssertionError("not recognised: " + name));
    }

    @Test
    void upstreamQ35() {
        MachineType type = parsed("pc-q35-7.1");
        assertEquals(MachineFamily.Q35, type.family());
        assertEquals(VendorBuild.UPSTREAM, type.vendorBuild());
        assertEquals(Optional.of(Version.of(7, 1)), type.baseVersion());
        assertEquals("pc-q35-7.1", type.concreteName());
        assertFalse(type.alias());
        assertFalse(type.forcedHostPhysBits());
        LayoutFlags flags = type.layoutFlags().orElseThrow();
        assertTrue(flags.enforceAmd1TbHole());
        assertTrue(flags.alignedDimm());
        assertTrue(flags.hasReservedMemory());
        assertFalse(flags.brokenReservedEnd());
        assertTrue(flags.broken32bitMemAddrCheck());
    }

    @Test
    void amdHoleEnforcedFrom71() {
        assertFalse(parsed("pc-q35-7.0").layoutFlags().orElseThrow().enforceAmd1TbHole());
        assertFalse(parsed("pc-i440fx-7.0").layoutFlags().orElseThrow().enforceAmd1TbHole());
        assertTrue(parsed("pc-i440fx-7.1").layoutFlags().orElseThrow().enforceAmd1TbHole());
        assertTrue(parsed("pc-q35-10.0").layoutFlags().orElseThrow().enforceAmd1TbHole());
    }

    @Test
    void oldTypeFlags() {
        LayoutFlags q35Two4 = parsed("pc-q35-2.4").layoutFlags().orElseThrow();
        assertTrue(q35Two4.brokenReservedEnd());
        assertTrue(q35Two4.hasReservedMemory());
        assertFalse(parsed("pc-q35-2.5").layoutFlags().orElseThrow().brokenReservedEnd());

        LayoutFlags i440fx20 = parsed("pc-i440fx-2.0").layoutFlags().orElseThrow();
        assertFalse(i440fx20.hasReservedMemory());
        assertFalse(i440fx20.alignedDimm());
        assertFalse(parsed("pc-i440fx-2.1").layoutFlags().orElseThrow().alignedDimm());
        assertTrue(parsed("pc-i440fx-2.1").layoutFlags().orElseThrow().hasReservedMemory());
        assertTrue(parsed("pc-i440fx-2.2").layoutFlags().orElseThrow().alignedDimm());
        assertFalse(parsed("pc-i440fx-1.7").layoutFlags().orElseThrow().gigabyteAlign());
        assertTrue(parsed("pc-i440fx-2.0").layoutFlags().orElseThrow().gigabyteAlign());
        assertFalse(parsed("pc-q35-8.2").layoutFlags().orElseThrow().broken32bitMemAddrCheck());
    }

    @Test
    void bugfixTypeAndLegacyNames() {
        MachineType bugfix = parsed("pc-q35-4.0.1");
        assertEquals(Optional.of(new Version(4, 0, 1)), bugfix.baseVersion());
        assertEquals(Optional.empty(), MachineCatalogue.parse("pc-i440fx-4.0.1"));
        assertEquals(Optional.empty(), MachineCatalogue.parse("pc-q35-5.0.1"));

        MachineType legacy = parsed("pc-1.3");
        assertEquals(MachineFamily.I440FX, legacy.family());
        assertEquals(Optional.of(Version.of(1, 3)), legacy.baseVersion());
        assertEquals(Optional.of(Version.of(0, 15)), parsed("pc-0.15").baseVersion());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pc-q35-banana", "pc-q35-2.13", "pc-q35-3.2", "pc-q35-1.3", "pc-i440fx-1.3", "pc-1.4",
            "pc-q35-07.1", "pc-q35-rhel9.1.0", "pc-i440fx-rhel8.6.0", "pc-q35-focal-maxcpus", "pc-q35-noble-hpb",
            "pc-q35-xenial-hpb", "pc-i440fx-jammy-maxcpus", "pc-q35-jammy-v2", "pc-q35-jammy-hpb-v2", "Q35",
            "pc-q35-", "pc-q35-10.0 ", "virt", ""})
    void unknownNamesAreNotRecognised(String name) {
        assertEquals(Optional.empty(), MachineCatalogue.parse(name));
        assertEquals(Optional.empty(), MachineCatalogue.resolve(name, UPSTREAM_10_0_2));
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration(name, UPSTREAM_10_0_2));
    }

    @Test
    void futureUpstreamVersionParsesButIsNotRegisteredIn100() {
        MachineType future = parsed("pc-q35-12.1");
        assertEquals(Optional.of(Version.of(12, 1)), future.baseVersion());
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("pc-q35-12.1", UPSTREAM_10_0_2));
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("pc-q35-10.1", UPSTREAM_10_0_2));
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("pc-q35-11.1", UPSTREAM_10_0_2));
        assertEquals(Registration.NOT_REGISTERED,
                MachineCatalogue.registration("pc-q35-12.1", QemuBinary.upstream(Version.of(11, 0))));
        assertEquals(Registration.UNKNOWN,
                MachineCatalogue.registration("pc-q35-12.1", QemuBinary.upstream(Version.of(12, 1))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"pc-q35-10.3", "pc-i440fx-10.3", "pc-q35-11.3", "pc-q35-11.5", "pc-q35-10.0.1"})
    void minorsPastTheThirdReleaseOfAYearNeverExisted(String name) {
        assertEquals(Optional.empty(), MachineCatalogue.parse(name));
        assertEquals(Registration.NOT_REGISTERED,
                MachineCatalogue.registration(name, QemuBinary.upstream(MachineCatalogue.NEWEST_UPSTREAM_RELEASE)));
    }

    /** Each release after 10.0: the oldest type it registers, the newest it marks deprecated, and its own. */
    @ParameterizedTest
    @CsvSource({
            "10.1, 4.1, 4.2, 7.1, 7.2",
            "10.2, 4.2, 5.0, 7.2, 8.0",
            "11.0, 5.0, 5.1, 8.0, 8.1",
            "11.1, 5.1, 5.2, 8.1, 8.2",
    })
    void releasesAfter100FollowTheAgeRule(String release, String lastDeleted, String oldest, String newestDeprecated,
                                          String oldestCurrent) {
        QemuBinary binary = QemuBinary.upstream(Version.parse(release));
        for (String family : new String[] {"pc-q35-", "pc-i440fx-"}) {
            assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration(family + lastDeleted, binary));
            assertEquals(Registration.DEPRECATED, MachineCatalogue.registration(family + oldest, binary));
            assertEquals(Registration.DEPRECATED, MachineCatalogue.registration(family + newestDeprecated, binary));
            assertEquals(Registration.CURRENT, MachineCatalogue.registration(family + oldestCurrent, binary));
            assertEquals(Registration.CURRENT, MachineCatalogue.registration(family + release, binary));
            assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration(family + "2.12", binary));
        }
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("pc-q35-4.0.1", binary));
        assertEquals("pc-q35-" + release, MachineCatalogue.resolve("q35", binary).orElseThrow().concreteName());
        assertEquals("pc-i440fx-" + release, MachineCatalogue.resolve("pc", binary).orElseThrow().concreteName());
        assertEquals(Registration.CURRENT, MachineCatalogue.registration("q35", binary));
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("ubuntu-q35", binary));
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("pc-q35-noble", binary));
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("pc-q35-rhel9.4.0", binary));
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("pc-q35-banana", binary));
        assertEquals(Registration.UNKNOWN, MachineCatalogue.registration("microvm", binary),
                "unversioned types depend on the build's configuration");
        assertEquals(Registration.CURRENT,
                MachineCatalogue.registration("pc-q35-" + release, QemuBinary.upstream(Version.parse(release + ".3"))),
                "stable releases keep their series' list");
    }

    @Test
    void aReleaseDoesNotRegisterTheNextOnesTypes() {
        assertEquals(Registration.NOT_REGISTERED,
                MachineCatalogue.registration("pc-q35-10.2", QemuBinary.upstream(Version.of(10, 1))));
        assertEquals(Registration.NOT_REGISTERED,
                MachineCatalogue.registration("pc-i440fx-11.1", QemuBinary.upstream(Version.of(11, 0))));
        assertEquals(Registration.NOT_REGISTERED,
                MachineCatalogue.registration("pc-q35-11.2", QemuBinary.upstream(Version.of(11, 1))));
        assertEquals(Registration.UNKNOWN,
                MachineCatalogue.registration("pc-q35-11.2", QemuBinary.upstream(Version.of(11, 2))),
                "11.2 was not released when the catalogue was written");
    }

    /** The age rule, checked against a binary: 10.0.2's deprecation marks are the ones the rule gives for 10.0. */
    @Test
    void theAgeRuleReproducesTheDeprecationMarksOf1002() {
        int checked = 0;
        for (int major = 2; major <= 10; major++) {
            for (int minor = 0; minor <= 12; minor++) {
                for (String family : new String[] {"pc-q35-", "pc-i440fx-"}) {
                    String name = family + major + "." + minor;
                    Registration registration = MachineCatalogue.registration(name, UPSTREAM_10_0_2);
                    if (!registration.isRegistered()) {
                        continue;
                    }
                    boolean deprecated = MachineCatalogue.olderByAtLeast(Version.of(10, 0), Version.of(major, minor), 3);
                    assertEquals(deprecated ? Registration.DEPRECATED : Registration.CURRENT, registration, name);
                    checked++;
                }
            }
        }
        assertEquals(2 * 30, checked, "10.0.2 registers 30 versions of each family, 2.4 to 10.0");
    }

    @Test
    void firstReleaseRegisteringAType() {
        assertEquals(Optional.of(Version.of(11, 1)), MachineCatalogue.firstRegisteredIn("pc-q35-11.1"));
        assertEquals(Optional.of(Version.of(10, 2)), MachineCatalogue.firstRegisteredIn("pc-i440fx-10.2"));
        assertEquals(Optional.of(Version.of(12, 1)), MachineCatalogue.firstRegisteredIn("pc-q35-12.1"));
        assertEquals(Optional.empty(), MachineCatalogue.firstRegisteredIn("q35"));
        assertEquals(Optional.empty(), MachineCatalogue.firstRegisteredIn("pc-q35-noble"));
        assertEquals(Optional.empty(), MachineCatalogue.firstRegisteredIn("microvm"));
        assertEquals(Optional.empty(), MachineCatalogue.firstRegisteredIn("pc-q35-10.3"));
    }

    @Test
    void everyAnswerSaysWhereItsListComesFrom() {
        assertEquals(Optional.of("the machine list of a real binary, Debian's QEMU 10.0.2"),
                MachineCatalogue.machineListSource(UPSTREAM_10_0_2));
        assertTrue(MachineCatalogue.machineListSource(QemuBinary.upstream(Version.of(10, 2))).orElseThrow()
                .startsWith("QEMU's source at commit 698104725efad4b29079d857dfdebbd804e34c99"));
        assertTrue(MachineCatalogue.machineListSource(QemuBinary.upstream(Version.of(11, 1))).orElseThrow()
                .contains("the 11.1 source was not read"));
        assertEquals(Optional.empty(), MachineCatalogue.machineListSource(QemuBinary.upstream(Version.of(9, 2))));
        assertEquals(Optional.empty(),
                MachineCatalogue.machineListSource(new QemuBinary(Version.of(11, 0), VendorBuild.UBUNTU)));
    }

    @Test
    void aliasesFollowTheBinary() {
        MachineType q35 = MachineCatalogue.resolve("q35", UPSTREAM_10_0_2).orElseThrow();
        assertEquals("q35", q35.writtenName());
        assertEquals("pc-q35-10.0", q35.concreteName());
        assertTrue(q35.alias());
        assertEquals(MachineFamily.Q35, q35.family());

        MachineType pc = MachineCatalogue.resolve("pc", UPSTREAM_10_0_2).orElseThrow();
        assertEquals("pc-i440fx-10.0", pc.concreteName());
        assertEquals(MachineFamily.I440FX, pc.family());

        assertEquals("pc-q35-9.2",
                MachineCatalogue.resolve("q35", QemuBinary.upstream(Version.parse("9.2.4"))).orElseThrow().concreteName());
        assertEquals(Optional.empty(), MachineCatalogue.parse("q35"));
        assertEquals(Optional.empty(), MachineCatalogue.resolve("q35", new QemuBinary(Version.of(9, 1), VendorBuild.RHEL)));
        assertEquals(Optional.empty(), MachineCatalogue.resolve("ubuntu", UPSTREAM_10_0_2));
    }

    @Test
    void ubuntuAliasesResolveOnUbuntuBuilds() {
        QemuBinary noble = new QemuBinary(Version.parse("8.2.2"), VendorBuild.UBUNTU);
        MachineType ubuntu = MachineCatalogue.resolve("ubuntu", noble).orElseThrow();
        assertEquals("pc-i440fx-noble", ubuntu.concreteName());
        assertEquals(MachineFamily.I440FX, ubuntu.family());
        assertEquals("pc-q35-noble", MachineCatalogue.resolve("ubuntu-q35", noble).orElseThrow().concreteName());
        assertEquals("pc-q35-8.2", MachineCatalogue.resolve("q35", noble).orElseThrow().concreteName());
        assertEquals(Optional.empty(),
                MachineCatalogue.resolve("ubuntu", new QemuBinary(Version.of(8, 1), VendorBuild.UBUNTU)));
    }

    @ParameterizedTest
    @CsvSource({
            "pc-q35-rhel9.2.0, Q35, 7.2, true, true",
            "pc-q35-rhel9.0.0, Q35, 6.2, false, true",
            "pc-q35-rhel8.6.0, Q35, 6.2, false, true",
            "pc-q35-rhel7.6.0, Q35, 2.12, false, true",
            "pc-i440fx-rhel7.6.0, I440FX, 2.12, false, true",
            "pc-q35-rhel9.4.0, Q35, 8.2, true, false",
            "pc-q35-rhel10.0.0, Q35, 9.1, true, false",
    })
    void rhelTypes(String name, MachineFamily family, String base, boolean amdHole, boolean baseConfirmed) {
        MachineType type = parsed(name);
        assertEquals(VendorBuild.RHEL, type.vendorBuild());
        assertEquals(family, type.family());
        assertEquals(Optional.of(Version.parse(base)), type.baseVersion());
        assertEquals(amdHole, type.layoutFlags().orElseThrow().enforceAmd1TbHole());
        assertEquals(baseConfirmed, type.baseVersionConfirmed());
        assertTrue(type.forcedHostPhysBits());
        assertEquals(48, type.forcedHostPhysBitsLimit());
    }

    @ParameterizedTest
    @CsvSource({
            "pc-i440fx-cosmic, I440FX, 2.12, false",
            "pc-q35-cosmic, Q35, 2.11, false",
            "pc-q35-cosmic-hpb, Q35, 2.12, true",
            "pc-q35-focal, Q35, 4.2, false",
            "pc-i440fx-focal, I440FX, 4.0, false",
            "pc-q35-hirsute-hpb, Q35, 5.2, true",
            "pc-i440fx-hirsute-hpb, I440FX, 5.1, true",
            "pc-q35-jammy, Q35, 6.2, false",
            "pc-q35-jammy-maxcpus, Q35, 6.2, false",
            "pc-q35-jammy-hpb, Q35, 6.2, true",
            "pc-q35-jammy-hpb-maxcpus, Q35, 6.2, true",
            "pc-q35-mantic-hpb-maxcpus, Q35, 8.0, true",
            "pc-i440fx-bionic-hpb, I440FX, 2.11, true",
            "pc-q35-xenial, Q35, 2.5, false",
            "pc-q35-kinetic, Q35, 7.0, false",
            "pc-q35-lunar, Q35, 7.2, false",
            "pc-q35-noble, Q35, 8.2, false",
            "pc-q35-noble-v2, Q35, 8.2, false",
            "pc-i440fx-noble-v2, I440FX, 8.2, false",
    })
    void ubuntuTypes(String name, MachineFamily family, String base, boolean hostPhysBits) {
        MachineType type = parsed(name);
        assertEquals(VendorBuild.UBUNTU, type.vendorBuild());
        assertEquals(family, type.family());
        assertEquals(Optional.of(Version.parse(base)), type.baseVersion());
        assertEquals(hostPhysBits, type.forcedHostPhysBits());
        assertEquals(0, type.forcedHostPhysBitsLimit());
        assertTrue(type.baseVersionConfirmed());
    }

    @Test
    void ubuntuAmdHoleStartsWithLunar() {
        assertFalse(parsed("pc-q35-kinetic").layoutFlags().orElseThrow().enforceAmd1TbHole());
        assertTrue(parsed("pc-q35-lunar").layoutFlags().orElseThrow().enforceAmd1TbHole());
    }

    @Test
    void ubuntuReleasesAfterNobleHavePresumedBases() {
        MachineType questing = parsed("pc-q35-questing");
        assertEquals(Optional.of(Version.of(10, 1)), questing.baseVersion());
        assertFalse(questing.baseVersionConfirmed());
    }

    @ParameterizedTest
    @ValueSource(strings = {"microvm", "isapc", "none", "x-remote"})
    void otherTypesHaveNoPredictedLayout(String name) {
        MachineType type = parsed(name);
        assertEquals(MachineFamily.OTHER, type.family());
        assertEquals(Optional.empty(), type.layoutFlags());
        assertEquals(Optional.empty(), type.baseVersion());
        assertEquals(Registration.CURRENT, MachineCatalogue.registration(name, UPSTREAM_10_0_2));
    }

    @Test
    void registrationOn100MatchesTheBinary() {
        assertEquals(Registration.CURRENT, MachineCatalogue.registration("pc-q35-10.0", UPSTREAM_10_0_2));
        assertEquals(Registration.CURRENT, MachineCatalogue.registration("pc-q35-7.1", UPSTREAM_10_0_2));
        assertEquals(Registration.DEPRECATED, MachineCatalogue.registration("pc-q35-7.0", UPSTREAM_10_0_2));
        assertEquals(Registration.DEPRECATED, MachineCatalogue.registration("pc-q35-4.0.1", UPSTREAM_10_0_2));
        assertEquals(Registration.DEPRECATED, MachineCatalogue.registration("pc-i440fx-2.4", UPSTREAM_10_0_2));
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("pc-i440fx-2.3", UPSTREAM_10_0_2));
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("pc-i440fx-4.0.1", UPSTREAM_10_0_2));
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("pc-q35-rhel9.4.0", UPSTREAM_10_0_2));
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("pc-q35-noble", UPSTREAM_10_0_2));
        assertEquals(Registration.CURRENT, MachineCatalogue.registration("q35", UPSTREAM_10_0_2));
        assertEquals(Registration.CURRENT, MachineCatalogue.registration("pc", UPSTREAM_10_0_2));
    }

    @Test
    void registrationIsUnknownWithoutARecordedList() {
        QemuBinary upstream92 = QemuBinary.upstream(Version.parse("9.2.4"));
        QemuBinary ubuntu100 = new QemuBinary(Version.of(10, 0), VendorBuild.UBUNTU);
        QemuBinary rhel91 = new QemuBinary(Version.of(9, 1), VendorBuild.RHEL);
        assertEquals(Registration.UNKNOWN, MachineCatalogue.registration("pc-q35-7.0", upstream92));
        assertEquals(Registration.UNKNOWN, MachineCatalogue.registration("pc-q35-9.2", upstream92));
        assertEquals(Registration.UNKNOWN, MachineCatalogue.registration("q35", upstream92));
        assertEquals(Registration.UNKNOWN, MachineCatalogue.registration("pc-q35-7.0", ubuntu100));
        assertEquals(Registration.UNKNOWN, MachineCatalogue.registration("pc-q35-noble", ubuntu100));
        assertEquals(Registration.UNKNOWN, MachineCatalogue.registration("ubuntu-q35", ubuntu100));
        assertEquals(Registration.UNKNOWN, MachineCatalogue.registration("pc-q35-rhel9.4.0", rhel91));
        assertEquals(Registration.UNKNOWN, MachineCatalogue.registration("q35", rhel91));
        assertEquals(Registration.UNKNOWN, MachineCatalogue.registration("pc-q35-banana", upstream92));
    }

    @Test
    void impossibleCombinationsAreNotRegisteredOnAnyBinary() {
        QemuBinary upstream92 = QemuBinary.upstream(Version.parse("9.2.4"));
        QemuBinary ubuntu100 = new QemuBinary(Version.of(10, 0), VendorBuild.UBUNTU);
        QemuBinary rhel91 = new QemuBinary(Version.of(9, 1), VendorBuild.RHEL);
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("pc-q35-10.0", upstream92));
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("pc-q35-10.1", ubuntu100));
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("pc-q35-rhel9.4.0", upstream92));
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("pc-q35-noble", upstream92));
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("ubuntu", upstream92));
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("pc-q35-7.1", rhel91));
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("pc-q35-noble", rhel91));
        assertEquals(Registration.NOT_REGISTERED, MachineCatalogue.registration("pc-q35-rhel9.4.0", ubuntu100));
        assertEquals(Registration.NOT_REGISTERED,
                MachineCatalogue.registration("pc-q35-4.0.1", QemuBinary.upstream(Version.of(4, 0))));
        assertEquals(Registration.UNKNOWN,
                MachineCatalogue.registration("pc-q35-4.0.1", QemuBinary.upstream(Version.parse("4.0.1"))));
        assertFalse(MachineCatalogue.isAlias(null));
    }

    @Test
    void intelIommuAwBitsDefault() {
        Version qemu100 = Version.of(10, 0);
        Version qemu92 = Version.parse("9.2.4");
        assertEquals(OptionalInt.of(39), parsed("pc-q35-9.1").intelIommuDefaultAwBits(qemu100));
        assertEquals(OptionalInt.of(48), parsed("pc-q35-9.2").intelIommuDefaultAwBits(qemu100));
        assertEquals(OptionalInt.of(48), MachineCatalogue.resolve("q35", UPSTREAM_10_0_2).orElseThrow()
                .intelIommuDefaultAwBits(qemu100));
        assertEquals(OptionalInt.of(39), parsed("pc-q35-9.2").intelIommuDefaultAwBits(qemu92));
        assertEquals(OptionalInt.of(39), parsed("pc-q35-noble").intelIommuDefaultAwBits(Version.of(10, 1)));
        assertEquals(OptionalInt.of(39), parsed("pc-q35-rhel9.6.0").intelIommuDefaultAwBits(Version.of(9, 1)));
        assertEquals(OptionalInt.empty(), parsed("pc-q35-rhel9.6.0").intelIommuDefaultAwBits(qemu100));
        assertEquals(OptionalInt.empty(), parsed("microvm").intelIommuDefaultAwBits(qemu100));
        assertEquals(OptionalInt.empty(), parsed("pc-i440fx-10.0").intelIommuDefaultAwBits(qemu100));
    }

    @Test
    void virtioIommuAwBitsDefault() {
        Version qemu100 = Version.of(10, 0);
        assertEquals(OptionalInt.of(64), parsed("pc-q35-8.2").virtioIommuDefaultAwBits(qemu100));
        assertEquals(OptionalInt.of(39), parsed("pc-q35-9.0").virtioIommuDefaultAwBits(qemu100));
        assertEquals(OptionalInt.of(64), parsed("pc-i440fx-10.0").virtioIommuDefaultAwBits(qemu100));
        assertEquals(OptionalInt.of(64), parsed("pc-q35-8.2").virtioIommuDefaultAwBits(Version.of(8, 2)));
        assertEquals(OptionalInt.empty(), parsed("pc-q35-rhel9.4.0").virtioIommuDefaultAwBits(Version.of(9, 1)));
    }
}
