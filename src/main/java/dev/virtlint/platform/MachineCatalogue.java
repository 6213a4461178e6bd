package dev.virtlint.platform;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * x86 machine-type names: what each one is (family, vendor, upstream base, compat flags) and whether a given QEMU
 * binary registers it. Sources: knowledge file {@code qemu-address-space.md} §5, the machine lists of real QEMU 7.2
 * and 10.0.2 binaries, and QEMU's source for the releases after 10.0 ({@code docs/qemu-releases.md}).
 */
public final class MachineCatalogue {

    private static final Set<String> OTHER_TYPES = Set.of("microvm", "isapc", "none", "x-remote");
    private static final List<String> UPSTREAM_ALIASES = List.of("q35", "pc");
    private static final List<String> UBUNTU_ALIASES = List.of("ubuntu", "ubuntu-q35");

    private static final Pattern UPSTREAM_Q35 = Pattern.compile("pc-q35-((?:0|[1-9]\\d{0,3})\\.(?:0|[1-9]\\d{0,3})(?:\\.1)?)");
    private static final Pattern UPSTREAM_I440FX = Pattern.compile("pc-i440fx-((?:0|[1-9]\\d{0,3})\\.(?:0|[1-9]\\d{0,3}))");
    /** i440fx types before 1.4 were called {@code pc-X.Y}. */
    private static final Pattern LEGACY_I440FX = Pattern.compile("pc-(0\\.1[0-5]|1\\.[0-3])");
    private static final Pattern RHEL = Pattern.compile("pc-(q35|i440fx)-(rhel\\d{1,2}\\.\\d{1,2}\\.0)");
    private static final Pattern UBUNTU = Pattern.compile("pc-(q35|i440fx)-([a-z]+)((?:-[a-z0-9]+)*)");

    /**
     * The last minor release of each upstream major (index = major). A versioned name outside these series was never
     * defined by QEMU; majors beyond the table are future releases and are accepted as written. Since 5.0 QEMU makes
     * three releases a year, X.0 to X.2, and {@code include/hw/core/boards.h} counts on it, so 11 ends at 11.2 though
     * 11.2 was still in development when this table was last updated.
     */
    private static final int[] LAST_MINOR_OF_MAJOR = {15, 7, 12, 1, 2, 2, 2, 2, 2, 2, 2, 2};

    /**
     * The newest upstream feature release virt-lint knows (v11.1.0, released in August 2026). A versioned type newer
     * than this is one no released QEMU registers.
     */
    public static final Version NEWEST_UPSTREAM_RELEASE = Version.of(11, 1);

    /**
     * How the machine list of an upstream release after 10.0 is known. Since 10.1 {@code MACHINE_VER_DELETION} no
     * longer waits for {@code QEMU_DELETE_MACHINES}: a release registers a versioned type only while it is less than
     * 6 years older than the release, and marks it deprecated once it is 3 years older ({@code
     * MACHINE_VER_DELETION_MAJOR}, {@code MACHINE_VER_DEPRECATION_MAJOR} and {@code _MACHINE_VER_IS_CURRENT_EXPIRED}
     * in {@code include/hw/core/boards.h}). Every release read still defines each type the rule keeps in {@code
     * hw/i386/pc_q35.c} and {@code pc_piix.c} (old definitions are deleted only after the rule stopped registering
     * them), so the rule gives the list exactly.
     *
     * @param commit     the QEMU commit whose source was read: the release's "Update version" commit, or for 11.0 the
     *                   newest development commit available (its types and the rule were final by then); empty where
     *                   no source of the release could be read and the list follows from the rule alone
     */
    private record DerivedRelease(Version series, Optional<String> commit) {
    }

    private static final List<DerivedRelease> DERIVED_RELEASES = List.of(
            // "Update version for the v10.1.0 release": q35 and i440fx 2.6 ... 10.1 defined, 4.2 and newer registered.
            new DerivedRelease(Version.of(10, 1), Optional.of("f8b2f64e2336a28bf0d50b6ef8a7d8c013e9bcf3")),
            // "Update version for v10.2.0 release": 2.6 ... 10.2 defined, 5.0 and newer registered.
            new DerivedRelease(Version.of(10, 2), Optional.of("698104725efad4b29079d857dfdebbd804e34c99")),
            // master at 10.2.50 (2026-02-13), after "hw: add compat machines for 11.0" (231b4a035b39): 2.8 ... 11.0
            // defined; a 10.2.50 snapshot already applies 11.0's cut-off, 5.1 and newer registered.
            new DerivedRelease(Version.of(11, 0), Optional.of("ece408818d27f745ef1b05fb3cc99a1e7a5bf580")),
            // No source of 11.1 could be read here; pc-q35-11.1 is QEMU 11.1's latest type, and the rule unchanged
            // since 10.1 keeps 5.2 and newer.
            new DerivedRelease(Version.of(11, 1), Optional.empty()));

    private static final int DELETION_MAJORS = 6;
    private static final int DEPRECATION_MAJORS = 3;

    /** The only upstream bug-fix machine type: {@code pc-q35-4.0.1} (q35 only, §5.1). */
    private static final Version Q35_BUGFIX_TYPE = new Version(4, 0, 1);

    private record RhelType(Version base, boolean baseConfirmed, boolean alsoI440fx) {
    }

    /**
     * RHEL x86 types and the upstream state each inherits (§5.2, from the {@code hw_compat_rhel_X_Y} arrays).
     * rhel8.2.0 and rhel8.5.0 mix two upstream states; the lower one is recorded, which gives the same layout flags.
     * Bases of rhel9.4.0 and later are the qemu-kvm versions RHEL shipped, not read in source.
     */
    private static final Map<String, RhelType> RHEL_TYPES = Map.ofEntries(
            Map.entry("rhel7.6.0", new RhelType(Version.of(2, 12), true, true)),
            Map.entry("rhel8.0.0", new RhelType(Version.of(3, 1), true, false)),
            Map.entry("rhel8.1.0", new RhelType(Version.of(4, 1), true, false)),
            Map.entry("rhel8.2.0", new RhelType(Version.of(4, 2), false, false)),
            Map.entry("rhel8.3.0", new RhelType(Version.of(5, 1), true, false)),
            Map.entry("rhel8.4.0", new RhelType(Version.of(5, 2), true, false)),
            Map.entry("rhel8.5.0", new RhelType(Version.of(6, 0), false, false)),
            Map.entry("rhel8.6.0", new RhelType(Version.of(6, 2), true, false)),
            Map.entry("rhel9.0.0", new RhelType(Version.of(6, 2), true, false)),
            Map.entry("rhel9.2.0", new RhelType(Version.of(7, 2), true, false)),
            Map.entry("rhel9.4.0", new RhelType(Version.of(8, 2), false, false)),
            Map.entry("rhel9.6.0", new RhelType(Version.of(9, 1), false, false)),
            Map.entry("rhel9.8.0", new RhelType(Version.of(10, 0), false, false)),
            Map.entry("rhel10.0.0", new RhelType(Version.of(9, 1), false, false)));

    /** RHEL forces {@code host-phys-bits=on,host-phys-bits-limit=48} on every vCPU of every RHEL type (§3.5). */
    private static final int RHEL_HOST_PHYS_BITS_LIMIT = 48;

    /**
     * One Ubuntu release's machine types (§5.3, {@code define-ubuntu-machine-types.patch}).
     *
     * @param shippedQemu the QEMU series the release ships; its {@code ubuntu}/{@code ubuntu-q35} aliases point here
     */
    private record UbuntuRelease(String codename, Version q35Base, Version i440fxBase, Version shippedQemu,
                                 boolean baseConfirmed, boolean hasHpb, boolean hasMaxcpus, boolean hasV2) {
    }

    private static final List<UbuntuRelease> UBUNTU_RELEASES = List.of(
            ubuntu("xenial", "2.5", "2.5", "2.5", false, false),
            ubuntu("yakkety", "2.6", "2.6", "2.6", false, false),
            ubuntu("zesty", "2.8", "2.8", "2.8", false, false),
            ubuntu("artful", "2.10", "2.10", "2.10", false, false),
            ubuntu("bionic", "2.11", "2.11", "2.11", true, false),
            // The patch keeps cosmic's q35 type on 2.11 and calls it wrong; cosmic-hpb is 2.12 (see hpbBase).
            ubuntu("cosmic", "2.11", "2.12", "2.12", true, false),
            ubuntu("disco", "3.1", "3.1", "3.1", true, false),
            ubuntu("eoan", "4.0", "4.0", "4.0", true, false),
            ubuntu("focal", "4.2", "4.0", "4.2", true, false),
            ubuntu("groovy", "5.0", "5.0", "5.0", true, false),
            ubuntu("hirsute", "5.2", "5.2", "5.2", true, false),
            ubuntu("impish", "6.0", "6.0", "6.0", true, false),
            ubuntu("jammy", "6.2", "6.2", "6.2", true, true),
            ubuntu("kinetic", "7.0", "7.0", "7.0", true, false),
            ubuntu("lunar", "7.2", "7.2", "7.2", true, false),
            ubuntu("mantic", "8.0", "8.0", "8.0", true, true),
            new UbuntuRelease("noble", Version.of(8, 2), Version.of(8, 2), Version.of(8, 2), true, false, false, true),
            unconfirmedUbuntu("oracular", "9.0"),
            unconfirmedUbuntu("plucky", "9.2"),
            unconfirmedUbuntu("questing", "10.1"));

    private static UbuntuRelease ubuntu(String codename, String q35Base, String i440fxBase, String shipped,
                                        boolean hasHpb, boolean hasMaxcpus) {
        return new UbuntuRelease(codename, Version.parse(q35Base), Version.parse(i440fxBase), Version.parse(shipped),
                true, hasHpb, hasMaxcpus, false);
    }

    /** Releases after noble: their types are seen in machine-help output, their bases only presumed (§5.3, §10). */
    private static UbuntuRelease unconfirmedUbuntu(String codename, String shipped) {
        Version version = Version.parse(shipped);
        return new UbuntuRelease(codename, version, version, version, false, false, false, false);
    }

    /** The two -hpb types whose base differs from their plain sibling (§5.3). */
    private static Version hpbBase(UbuntuRelease release, MachineFamily family) {
        if (family == MachineFamily.Q35 && release.codename().equals("cosmic")) {
            return Version.of(2, 12);
        }
        if (family == MachineFamily.I440FX && release.codename().equals("hirsute")) {
            return Version.of(5, 1);
        }
        return family == MachineFamily.Q35 ? release.q35Base() : release.i440fxBase();
    }

    /** A binary's machine list as {@code -machine help} prints it, and which binary printed it. */
    private record MachineList(Map<String, Registration> registrations, Map<String, String> aliasTargets,
                               String binary) {

        static MachineList fromMachineHelp(String help, String binary) {
            Map<String, Registration> registrations = new HashMap<>();
            Map<String, String> aliasTargets = new HashMap<>();
            Pattern aliasOf = Pattern.compile("\\(alias of ([^)]+)\\)");
            for (String line : help.strip().split("\n")) {
                String name = line.strip().split("\\s+", 2)[0];
                boolean deprecated = line.endsWith("(deprecated)");
                registrations.put(name, deprecated ? Registration.DEPRECATED : Registration.CURRENT);
                Matcher alias = aliasOf.matcher(line);
                if (alias.find()) {
                    aliasTargets.put(name, alias.group(1));
                }
            }
            return new MachineList(Map.copyOf(registrations), Map.copyOf(aliasTargets), binary);
        }
    }

    /*
     * Output of `qemu-system-x86_64 -machine help` (minus the "Supported machines are:" header) of Debian's
     * QEMU 1:10.0.2+ds-2+deb13u1~bpo12+1 from bookworm-backports, which builds upstream's machine set unchanged.
     * Stable releases (10.0.x) never add or deprecate machine types, so the list stands for the 10.0 series.
     * Up to 10.0 the age rule's deletion waited for QEMU_DELETE_MACHINES (10.0 still registers 2.4), so lists before
     * 10.1 cannot be derived from it: only the series whose binaries were run are recorded (this one and 7.2), and
     * other versions before 10.1 answer UNKNOWN rather than a guess.
     */
    private static final String UPSTREAM_10_0_MACHINE_HELP = """
            microvm              microvm (i386)
            pc-i440fx-9.2        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-9.1        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-9.0        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-8.2        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-8.1        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-8.0        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-7.2        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-7.1        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-7.0        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-6.2        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-6.1        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-6.0        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-5.2        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-5.1        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-5.0        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-4.2        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-4.1        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-4.0        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-3.1        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-3.0        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-2.9        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-2.8        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-2.7        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-2.6        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-2.5        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-2.4        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-2.12       Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-2.11       Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-2.10       Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc                   Standard PC (i440FX + PIIX, 1996) (alias of pc-i440fx-10.0)
            pc-i440fx-10.0       Standard PC (i440FX + PIIX, 1996) (default)
            pc-q35-9.2           Standard PC (Q35 + ICH9, 2009)
            pc-q35-9.1           Standard PC (Q35 + ICH9, 2009)
            pc-q35-9.0           Standard PC (Q35 + ICH9, 2009)
            pc-q35-8.2           Standard PC (Q35 + ICH9, 2009)
            pc-q35-8.1           Standard PC (Q35 + ICH9, 2009)
            pc-q35-8.0           Standard PC (Q35 + ICH9, 2009)
            pc-q35-7.2           Standard PC (Q35 + ICH9, 2009)
            pc-q35-7.1           Standard PC (Q35 + ICH9, 2009)
            pc-q35-7.0           Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-6.2           Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-6.1           Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-6.0           Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-5.2           Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-5.1           Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-5.0           Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-4.2           Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-4.1           Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-4.0.1         Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-4.0           Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-3.1           Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-3.0           Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-2.9           Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-2.8           Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-2.7           Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-2.6           Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-2.5           Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-2.4           Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-2.12          Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-2.11          Standard PC (Q35 + ICH9, 2009) (deprecated)
            pc-q35-2.10          Standard PC (Q35 + ICH9, 2009) (deprecated)
            q35                  Standard PC (Q35 + ICH9, 2009) (alias of pc-q35-10.0)
            pc-q35-10.0          Standard PC (Q35 + ICH9, 2009)
            isapc                ISA-only PC
            none                 empty machine
            x-remote             Experimental remote machine
            """;

    /*
     * The same of Debian bookworm's QEMU 1:7.2+dfsg-7+deb12u18+b3 (7.2.22), as .ci/fetch-stacks unpacks it; checked
     * against that binary by QemuMachineCatalogueOracleTest.
     */
    private static final String UPSTREAM_7_2_MACHINE_HELP = """
            microvm              microvm (i386)
            pc                   Standard PC (i440FX + PIIX, 1996) (alias of pc-i440fx-7.2)
            pc-i440fx-7.2        Standard PC (i440FX + PIIX, 1996) (default)
            pc-i440fx-7.1        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-7.0        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-6.2        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-6.1        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-6.0        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-5.2        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-5.1        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-5.0        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-4.2        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-4.1        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-4.0        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-3.1        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-3.0        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-2.9        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-2.8        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-2.7        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-2.6        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-2.5        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-2.4        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-2.3        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-2.2        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-2.12       Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-2.11       Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-2.10       Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-2.1        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-2.0        Standard PC (i440FX + PIIX, 1996)
            pc-i440fx-1.7        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-1.6        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-1.5        Standard PC (i440FX + PIIX, 1996) (deprecated)
            pc-i440fx-1.4        Standard PC (i440FX + PIIX, 1996) (deprecated)
            q35                  Standard PC (Q35 + ICH9, 2009) (alias of pc-q35-7.2)
            pc-q35-7.2           Standard PC (Q35 + ICH9, 2009)
            pc-q35-7.1           Standard PC (Q35 + ICH9, 2009)
            pc-q35-7.0           Standard PC (Q35 + ICH9, 2009)
            pc-q35-6.2           Standard PC (Q35 + ICH9, 2009)
            pc-q35-6.1           Standard PC (Q35 + ICH9, 2009)
            pc-q35-6.0           Standard PC (Q35 + ICH9, 2009)
            pc-q35-5.2           Standard PC (Q35 + ICH9, 2009)
            pc-q35-5.1           Standard PC (Q35 + ICH9, 2009)
            pc-q35-5.0           Standard PC (Q35 + ICH9, 2009)
            pc-q35-4.2           Standard PC (Q35 + ICH9, 2009)
            pc-q35-4.1           Standard PC (Q35 + ICH9, 2009)
            pc-q35-4.0.1         Standard PC (Q35 + ICH9, 2009)
            pc-q35-4.0           Standard PC (Q35 + ICH9, 2009)
            pc-q35-3.1           Standard PC (Q35 + ICH9, 2009)
            pc-q35-3.0           Standard PC (Q35 + ICH9, 2009)
            pc-q35-2.9           Standard PC (Q35 + ICH9, 2009)
            pc-q35-2.8           Standard PC (Q35 + ICH9, 2009)
            pc-q35-2.7           Standard PC (Q35 + ICH9, 2009)
            pc-q35-2.6           Standard PC (Q35 + ICH9, 2009)
            pc-q35-2.5           Standard PC (Q35 + ICH9, 2009)
            pc-q35-2.4           Standard PC (Q35 + ICH9, 2009)
            pc-q35-2.12          Standard PC (Q35 + ICH9, 2009)
            pc-q35-2.11          Standard PC (Q35 + ICH9, 2009)
            pc-q35-2.10          Standard PC (Q35 + ICH9, 2009)
            isapc                ISA-only PC
            none                 empty machine
            x-remote             Experimental remote machine
            """;

    private static final Map<Version, MachineList> UPSTREAM_MACHINE_LISTS = Map.of(
            Version.of(10, 0), MachineList.fromMachineHelp(UPSTREAM_10_0_MACHINE_HELP, "Debian's QEMU 10.0.2"),
            Version.of(7, 2), MachineList.fromMachineHelp(UPSTREAM_7_2_MACHINE_HELP, "Debian's QEMU 7.2.22"));

    private MachineCatalogue() {
    }

    /**
     * What a concrete (non-alias) machine type name means, independent of any binary. Empty for aliases
     * (use {@link #resolve}) and for names no QEMU build defines, such as {@code pc-q35-banana} or {@code pc-q35-2.13}.
     */
    public static Optional<MachineType> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        if (OTHER_TYPES.contains(name)) {
            return Optional.of(new MachineType(name, name, false, MachineFamily.OTHER, VendorBuild.UPSTREAM,
                    Optional.empty(), true, false, 0));
        }
        return parseUpstream(name)
                .or(() -> parseRhel(name))
                .or(() -> parseUbuntu(name));
    }

    /** True for the names QEMU (or a downstream) defines as aliases of the newest type of a family. */
    public static boolean isAlias(String name) {
        return name != null && (UPSTREAM_ALIASES.contains(name) || UBUNTU_ALIASES.contains(name));
    }

    /**
     * Resolves a name as the domain writes it, aliases included, for the binary that will run it. Aliases follow the
     * binary's recorded machine list when there is one; otherwise upstream's convention that every release points
     * {@code pc}/{@code q35} at its own versioned types, and Ubuntu's that {@code ubuntu}/{@code ubuntu-q35} point at
     * the types of the release shipping that QEMU. Empty when the name is unknown or the alias cannot be resolved
     * for that binary (any alias on a RHEL build, the Ubuntu aliases on non-Ubuntu builds).
     */
    public static Optional<MachineType> resolve(String name, QemuBinary binary) {
        if (name == null) {
            return Optional.empty();
        }
        if (!isAlias(name)) {
            return parse(name);
        }
        return aliasTarget(name, binary)
                .flatMap(MachineCatalogue::parse)
                .map(type -> type.reachedThroughAlias(name));
    }

    /**
     * Whether {@code binary} registers {@code name} and marks it deprecated. For upstream builds of the series
     * recorded from a binary (10.0 and 7.2) the answer comes from the binary's own list, so names it lacks,
     * unparseable ones and future versions such as {@code pc-q35-11.1} are {@link Registration#NOT_REGISTERED}. For
     * upstream releases 10.1 to 11.1 it follows from QEMU's age rule ({@link #DERIVED_RELEASES}); their unversioned
     * types depend on the build's configuration and are {@link Registration#UNKNOWN}. For other binaries only the
     * impossible combinations are known: a pc/q35 type newer than the binary, a RHEL or Ubuntu type on another
     * vendor's build, an upstream type on RHEL (which compiles them out, §5.2), the Ubuntu aliases off Ubuntu.
     * Everything else is {@link Registration#UNKNOWN}.
     */
    public static Registration registration(String name, QemuBinary binary) {
        Objects.requireNonNull(name, "name");
        Optional<MachineList> known = knownMachineList(binary);
        if (known.isPresent()) {
            return known.get().registrations().getOrDefault(name, Registration.NOT_REGISTERED);
        }
        if (isDerivedRelease(binary)) {
            return derivedRegistration(name, binary.version().series());
        }
        if (UBUNTU_ALIASES.contains(name)) {
            return binary.build() == VendorBuild.UBUNTU ? Registration.UNKNOWN : Registration.NOT_REGISTERED;
        }
        return parse(name)
                .filter(type -> type.family().isPc())
                .filter(type -> !mayBeRegisteredBy(type, binary))
                .map(type -> Registration.NOT_REGISTERED)
                .orElse(Registration.UNKNOWN);
    }

    /**
     * The first upstream release that registers {@code name}: the version of an upstream pc or q35 type ({@code
     * pc-q35-11.1} appears in QEMU 11.1). Empty for aliases, other families and other builds' types.
     */
    public static Optional<Version> firstRegisteredIn(String name) {
        return parse(name)
                .filter(type -> type.family().isPc() && type.vendorBuild() == VendorBuild.UPSTREAM)
                .flatMap(MachineType::baseVersion);
    }

    /**
     * Where virt-lint's answer to {@link #registration} for {@code binary} comes from, in words a finding can quote;
     * empty where it has no list for that binary.
     */
    public static Optional<String> machineListSource(QemuBinary binary) {
        Optional<MachineList> known = knownMachineList(binary);
        if (known.isPresent()) {
            return Optional.of("the machine list of a real binary, " + known.get().binary());
        }
        return derivedRelease(binary).map(derived -> derived.commit()
                .map(commit -> "QEMU's source at commit " + commit + " and its age rule for versioned machine types")
                .orElse("QEMU's age rule for versioned machine types (the " + derived.series() + " source was not"
                        + " read)"));
    }

    private static Optional<DerivedRelease> derivedRelease(QemuBinary binary) {
        if (binary.build() != VendorBuild.UPSTREAM) {
            return Optional.empty();
        }
        Version series = binary.version().series();
        return DERIVED_RELEASES.stream().filter(derived -> derived.series().equals(series)).findFirst();
    }

    private static boolean isDerivedRelease(QemuBinary binary) {
        return derivedRelease(binary).isPresent();
    }

    private static Registration derivedRegistration(String name, Version release) {
        if (isAlias(name)) {
            return UPSTREAM_ALIASES.contains(name) ? Registration.CURRENT : Registration.NOT_REGISTERED;
        }
        Optional<MachineType> type = parse(name);
        if (type.isEmpty()) {
            return Registration.NOT_REGISTERED;
        }
        if (!type.get().family().isPc()) {
            return Registration.UNKNOWN;
        }
        Version base = type.get().baseVersion().orElseThrow();
        if (type.get().vendorBuild() != VendorBuild.UPSTREAM || base.series().compareTo(release) > 0
                || olderByAtLeast(release, base, DELETION_MAJORS)) {
            return Registration.NOT_REGISTERED;
        }
        return olderByAtLeast(release, base, DEPRECATION_MAJORS) ? Registration.DEPRECATED : Registration.CURRENT;
    }

    /**
     * QEMU's {@code _MACHINE_VER_IS_CURRENT_EXPIRED} for a release: the type is {@code majors} or more majors older,
     * counting the minor within the last one (on 10.1, 7.1 is 3 majors older and 7.2 is not). A bug-fix type's micro
     * does not count ({@code pc-q35-4.0.1} ages like 4.0).
     */
    static boolean olderByAtLeast(Version release, Version type, int majors) {
        int age = release.major() - type.major();
        return age > majors || age == majors && release.minor() >= type.minor();
    }

    /** Ubuntu builds keep the upstream types next to their own; RHEL builds carry only theirs. */
    private static boolean mayBeRegisteredBy(MachineType type, QemuBinary binary) {
        if (type.vendorBuild() == VendorBuild.UPSTREAM) {
            boolean upstreamTypesBuilt = binary.build() != VendorBuild.RHEL;
            return upstreamTypesBuilt && type.baseVersion().orElseThrow().compareTo(binary.version()) <= 0;
        }
        return type.vendorBuild() == binary.build();
    }

    private static Optional<MachineList> knownMachineList(QemuBinary binary) {
        if (binary.build() != VendorBuild.UPSTREAM) {
            return Optional.empty();
        }
        return Optional.ofNullable(UPSTREAM_MACHINE_LISTS.get(binary.version().series()));
    }

    private static Optional<String> aliasTarget(String alias, QemuBinary binary) {
        Optional<MachineList> known = knownMachineList(binary);
        if (known.isPresent()) {
            return Optional.ofNullable(known.get().aliasTargets().get(alias));
        }
        String series = binary.version().series().toString();
        return switch (binary.build()) {
            case RHEL -> Optional.empty();
            case UPSTREAM, UBUNTU -> switch (alias) {
                case "q35" -> Optional.of("pc-q35-" + series);
                case "pc" -> Optional.of("pc-i440fx-" + series);
                default -> binary.build() == VendorBuild.UBUNTU ? ubuntuAliasTarget(alias, binary.version()) : Optional.empty();
            };
        };
    }

    private static Optional<String> ubuntuAliasTarget(String alias, Version qemu) {
        String prefix = alias.equals("ubuntu-q35") ? "pc-q35-" : "pc-i440fx-";
        return UBUNTU_RELEASES.stream()
                .filter(release -> release.shippedQemu().equals(qemu.series()))
                .findFirst()
                .map(release -> prefix + release.codename());
    }

    private static Optional<MachineType> parseUpstream(String name) {
        Matcher q35 = UPSTREAM_Q35.matcher(name);
        if (q35.matches()) {
            Version base = Version.parse(q35.group(1));
            boolean known = base.micro() == 0 ? isUpstreamSeries(base) && base.isAtLeast(1, 4) : base.equals(Q35_BUGFIX_TYPE);
            return known ? Optional.of(upstream(name, MachineFamily.Q35, base)) : Optional.empty();
        }
        Matcher i440fx = UPSTREAM_I440FX.matcher(name);
        if (i440fx.matches()) {
            Version base = Version.parse(i440fx.group(1));
            return isUpstreamSeries(base) && base.isAtLeast(1, 4)
                    ? Optional.of(upstream(name, MachineFamily.I440FX, base))
                    : Optional.empty();
        }
        Matcher legacy = LEGACY_I440FX.matcher(name);
        if (legacy.matches()) {
            return Optional.of(upstream(name, MachineFamily.I440FX, Version.parse(legacy.group(1))));
        }
        return Optional.empty();
    }

    private static boolean isUpstreamSeries(Version version) {
        return version.major() >= LAST_MINOR_OF_MAJOR.length || version.minor() <= LAST_MINOR_OF_MAJOR[version.major()];
    }

    private static MachineType upstream(String name, MachineFamily family, Version base) {
        return new MachineType(name, name, false, family, VendorBuild.UPSTREAM, Optional.of(base), true, false, 0);
    }

    private static Optional<MachineType> parseRhel(String name) {
        Matcher matcher = RHEL.matcher(name);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        MachineFamily family = familyOf(matcher.group(1));
        RhelType type = RHEL_TYPES.get(matcher.group(2));
        if (type == null || (family == MachineFamily.I440FX && !type.alsoI440fx())) {
            return Optional.empty();
        }
        return Optional.of(new MachineType(name, name, false, family, VendorBuild.RHEL, Optional.of(type.base()),
                type.baseConfirmed(), true, RHEL_HOST_PHYS_BITS_LIMIT));
    }

    private static Optional<MachineType> parseUbuntu(String name) {
        Matcher matcher = UBUNTU.matcher(name);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        MachineFamily family = familyOf(matcher.group(1));
        String codename = matcher.group(2);
        String variant = matcher.group(3);
        return UBUNTU_RELEASES.stream()
                .filter(release -> release.codename().equals(codename))
                .findFirst()
                .flatMap(release -> ubuntuVariant(name, family, release, variant));
    }

    private static Optional<MachineType> ubuntuVariant(String name, MachineFamily family, UbuntuRelease release,
                                                       String variant) {
        Version plainBase = family == MachineFamily.Q35 ? release.q35Base() : release.i440fxBase();
        boolean q35 = family == MachineFamily.Q35;
        return switch (variant) {
            case "" -> Optional.of(ubuntuType(name, family, release, plainBase, false));
            case "-hpb" -> release.hasHpb()
                    ? Optional.of(ubuntuType(name, family, release, hpbBase(release, family), true))
                    : Optional.empty();
            case "-maxcpus" -> q35 && release.hasMaxcpus()
                    ? Optional.of(ubuntuType(name, family, release, plainBase, false))
                    : Optional.empty();
            case "-hpb-maxcpus" -> q35 && release.hasMaxcpus() && release.hasHpb()
                    ? Optional.of(ubuntuType(name, family, release, hpbBase(release, family), true))
                    : Optional.empty();
            case "-v2" -> release.hasV2()
                    ? Optional.of(ubuntuType(name, family, release, plainBase, false))
                    : Optional.empty();
            default -> Optional.empty();
        };
    }

    /** Ubuntu -hpb types add {@code host-phys-bits=on} without a limit (§3.5). */
    private static MachineType ubuntuType(String name, MachineFamily family, UbuntuRelease release, Version base,
                                          boolean hostPhysBits) {
        return new MachineType(name, name, false, family, VendorBuild.UBUNTU, Optional.of(base),
                release.baseConfirmed(), hostPhysBits, 0);
    }

    private static MachineFamily familyOf(String chipset) {
        return chipset.equals("q35") ? MachineFamily.Q35 : MachineFamily.I440FX;
    }
}
