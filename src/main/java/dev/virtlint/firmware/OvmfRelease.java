package dev.virtlint.firmware;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An edk2 stable release, which is how OVMF builds are versioned: {@code 2022.11} is edk2-stable202211 (Debian
 * bookworm's {@code ovmf}). The methods name the 64-bit-window behaviours by what they do; each changed in one
 * release (ovmf-and-libvirt.md A3), unless a distribution's build carries the change early.
 *
 * @param knobOverrideBackported the build cherry-picks edk2 commit 9ac1704af6 (X-PciMmio64Mb used as given), which
 *                               upstream first released in 2025.05: Debian's edk2 2025.02-2 and later revisions,
 *                               trixie's 2025.02-8+deb13u1 among them, and Ubuntu 24.04's 2024.02-2ubuntu0.4 and later
 *                               (docs/verified-stacks.md)
 */
public record OvmfRelease(int year, int month, boolean knobOverrideBackported) implements Comparable<OvmfRelease> {

    /**
     * Ubuntu 22.04's {@code ovmf} 2022.02-3ubuntu0.22.04.7 (jammy-updates), "based on edk2-stable202202": its changelog
     * since 2022.02-1 carries security fixes, secure-boot keys and a shell change, none to the window, so it is
     * upstream's 2022.02, the classic 32 GiB window.
     */
    public static final OvmfRelease UBUNTU_2022_02 = new OvmfRelease(2022, 2);
    public static final OvmfRelease EDK2_2022_11 = new OvmfRelease(2022, 11);
    /**
     * Ubuntu 24.04's {@code ovmf} 2024.02-2ubuntu0.10 (noble-updates): 2024.02 with 2025.05's X-PciMmio64Mb change,
     * which 2024.02-2ubuntu0.4 cherry-picked (Launchpad #2101903, the bug report behind edk2 9ac1704af6).
     */
    public static final OvmfRelease UBUNTU_2024_02 = new OvmfRelease(2024, 2, true);
    /** Debian 13's {@code ovmf} (2025.02-8+deb13u1): 2025.02 with 2025.05's X-PciMmio64Mb change. */
    public static final OvmfRelease DEBIAN_2025_02 = new OvmfRelease(2025, 2, true);
    /**
     * Debian sid's and forky's {@code ovmf-generic} 2026.08+ds-2, "based on edk2-stable202608": its changelog since
     * 2025.02 carries no change of its own to the window, so it is upstream's 2026.08.
     */
    public static final OvmfRelease DEBIAN_2026_08 = new OvmfRelease(2026, 8);
    /**
     * The builds whose window and BAR placement the oracle tests check by booting them: Ubuntu 22.04's and 24.04's
     * {@code ovmf}, Debian 12's and 13's {@code ovmf}, and sid's {@code ovmf-generic} 2026.08
     * (docs/verified-stacks.md).
     */
    public static final List<OvmfRelease> BOOTED = List.of(UBUNTU_2022_02, EDK2_2022_11, UBUNTU_2024_02,
            DEBIAN_2025_02, DEBIAN_2026_08);
    /**
     * The oldest release a guest is checked under where nothing says which OVMF its host runs (see
     * {@link OvmfReleaseSpan#WHEN_UNNAMED}): Ubuntu 22.04's edk2 2022.02, the oldest OVMF in a distribution still
     * supported (RHEL 8's edk2-20220126 is the same release). Older ones are checked when named.
     */
    public static final OvmfRelease OLDEST_ASSUMED = new OvmfRelease(2022, 2);
    /**
     * The newest release the model covers: edk2's history was read up to commit c5aa7e7d94 (2026-08-06, tags through
     * edk2-stable202605), and the oracle boots Debian's 2026.08+ds-2 (docs/ovmf-releases.md). A later release is
     * modelled as this one.
     */
    public static final OvmfRelease NEWEST_MODELLED = DEBIAN_2026_08;

    private static final Pattern SYNTAX = Pattern.compile("^(?:edk2-stable)?(\\d{4})\\.?(\\d{2})(?:\\D.*)?$");

    /**
     * A distribution's builds of one release that cherry-pick edk2 9ac1704af6, as its package changelog says.
     *
     * @param version       the package versions of that release, the revision that counts in group 1
     * @param firstRevision the first revision with the patch
     * @param firstVersion  the package version of that revision, which {@link #parse} reads back as the build
     * @param bootedVersion the package version the oracle boots
     */
    private record KnobOverrideBackport(int year, int month, String distribution, Pattern version, int firstRevision,
                                        String firstVersion, String bootedVersion) {
    }

    private static final List<KnobOverrideBackport> KNOB_OVERRIDE_BACKPORTS = List.of(
            // debian/changelog: 2025.02-2 added d/p/0001-OvmfPkg-Use-user-specified-opt-ovmf-X-PciMmio64Mb-va.patch;
            // a Debian revision, then a stable or backports suffix.
            new KnobOverrideBackport(2025, 2, "Debian", Pattern.compile("^2025\\.02-(\\d+)(?:[+~][a-z0-9.+~]*)?$"), 2,
                    "2025.02-2", "2025.02-8+deb13u1"),
            // Ubuntu's changelog: 2024.02-2ubuntu0.4 (noble, 2025-06-03) added the same patch for LP #2101903; noble's
            // updates are 2024.02-2ubuntu0.N.
            new KnobOverrideBackport(2024, 2, "Ubuntu",
                    Pattern.compile("^2024\\.02-2ubuntu0\\.(\\d+)(?:[+~][a-z0-9.+~]*)?$"), 4, "2024.02-2ubuntu0.4",
                    "2024.02-2ubuntu0.10"));

    public OvmfRelease {
        if (year < 2000 || year > 2999 || month < 1 || month > 12) {
            throw new IllegalArgumentException("not an edk2 release: " + year + "." + month);
        }
    }

    /** The upstream release, without distribution changes. */
    public OvmfRelease(int year, int month) {
        this(year, month, false);
    }

    /**
     * Accepts {@code 2022.11}, {@code 202211}, {@code edk2-stable202211} and package versions such as
     * {@code 2022.11-6+deb12u2}; a Debian or Ubuntu package version that carries a change early says so.
     */
    public static Optional<OvmfRelease> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher matcher = SYNTAX.matcher(text.strip());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        int year = Integer.parseInt(matcher.group(1));
        int month = Integer.parseInt(matcher.group(2));
        if (year < 2000 || month < 1 || month > 12) {
            return Optional.empty();
        }
        boolean backported = false;
        for (KnobOverrideBackport backport : KNOB_OVERRIDE_BACKPORTS) {
            Matcher version = backport.version().matcher(text.strip());
            backported |= version.matches() && Integer.parseInt(version.group(1)) >= backport.firstRevision();
        }
        return Optional.of(new OvmfRelease(year, month, backported));
    }

    public boolean isAtLeast(int otherYear, int otherMonth) {
        return compareTo(new OvmfRelease(otherYear, otherMonth)) >= 0;
    }

    /**
     * Everything the model does differently from one release to another: two builds with the same behaviour get the
     * same window and BAR placement for every guest (OvmfReleaseTest checks that it names every behaviour method).
     */
    public record Behaviour(boolean parsesKnobAsUint32, boolean hasDynamicWindow, boolean padsHotplugPortsIn64BitSpace,
                            boolean padsHotplugPortsInIoSpace, boolean movesWindowBelowReservations,
                            boolean honoursGuestPhysBits, boolean knobOverridesDynamicWindow,
                            boolean placesNonPrefetchable64BitBarsInBridgePrefetchableWindows, int physBitsCap) {
    }

    public Behaviour behaviour() {
        return new Behaviour(parsesKnobAsUint32(), hasDynamicWindow(), padsHotplugPortsIn64BitSpace(),
                padsHotplugPortsInIoSpace(), movesWindowBelowReservations(), honoursGuestPhysBits(),
                knobOverridesDynamicWindow(), placesNonPrefetchable64BitBarsInBridgePrefetchableWindows(),
                physBitsCap());
    }

    /** The oracle test boots this build, so the model's window and BAR placement are checked against it. */
    public boolean verifiedByBoot() {
        return BOOTED.contains(this);
    }

    /**
     * What the model of this build rests on, said after "OVMF 2025.11 is": a boot, edk2's source, or edk2's source of
     * an older release. Firmware findings carry it in their data, {@code map} prints it, and a run names it once.
     */
    public String evidence() {
        if (verifiedByBoot()) {
            return "verified by a boot: the OVMF oracle test boots this build";
        }
        if (compareTo(NEWEST_MODELLED) > 0) {
            return "modelled from edk2 source as " + NEWEST_MODELLED + ", the newest release virt-lint models, and not"
                    + " verified by a boot: later edk2 changes, such as the 1/4 window of edk2 PR #12997, are not"
                    + " modelled";
        }
        String modelled = "modelled from edk2 source, not verified by a boot";
        return backport().filter(backport -> !knobOverrideBackported)
                .map(backport -> modelled + ": the " + this + " that was booted is " + backport.distribution()
                        + "'s build, which carries 2025.05's X-PciMmio64Mb change (give its package version, such as "
                        + backport.bootedVersion() + ")")
                .orElse(modelled);
    }

    /** The distribution whose build of this release carries 2025.05's X-PciMmio64Mb change, as "Debian". */
    public Optional<String> knobOverrideBackportedBy() {
        return backport().filter(backport -> knobOverrideBackported).map(KnobOverrideBackport::distribution);
    }

    private Optional<KnobOverrideBackport> backport() {
        return KNOB_OVERRIDE_BACKPORTS.stream()
                .filter(backport -> backport.year() == year && backport.month() == month).findFirst();
    }

    /** X-PciMmio64Mb is a decimal UINT32 of MiB up to 16 TiB; before, a decimal string of at most 7 characters. */
    boolean parsesKnobAsUint32() {
        return isAtLeast(2020, 5);
    }

    /** Trusted CPUID phys-bits make the window 1/8 of the address space, at its top. */
    public boolean hasDynamicWindow() {
        return isAtLeast(2022, 11);
    }

    /** Hot-pluggable root ports get 64-bit prefetchable padding once the window exceeds 32 GiB. */
    boolean padsHotplugPortsIn64BitSpace() {
        return isAtLeast(2022, 11);
    }

    /**
     * Hot-pluggable bridges get 512 bytes of I/O padding, which takes a 4 KiB bridge window of OVMF's 40 KiB I/O
     * space on q35: PciHotPlugInitDxe's DefaultIo was TRUE from its start (edk2 8aba40b792, 2016) until 27727338b2
     * "Do not reserve IO ports by default", first in 2023.08. Booted: 2022.11 pads every hot-pluggable port, 2025.02
     * and 2026.08 none (OvmfOracleTest).
     */
    boolean padsHotplugPortsInIoSpace() {
        return !isAtLeast(2023, 8);
    }

    /** The dynamic window moves below an e820 reservation it overlaps, such as AMD's HyperTransport hole. */
    public boolean movesWindowBelowReservations() {
        return isAtLeast(2023, 2);
    }

    /** CPUID's GuestPhysBits, when non-zero, is trusted and caps phys-bits. */
    public boolean honoursGuestPhysBits() {
        return isAtLeast(2024, 8);
    }

    /** X-PciMmio64Mb is used as given; before, with trusted phys-bits it was only a minimum. */
    public boolean knobOverridesDynamicWindow() {
        return isAtLeast(2025, 5) || knobOverrideBackported;
    }

    /**
     * Behind a bridge, a 64-bit non-prefetchable BAR goes to the bridge's 64-bit prefetchable window instead of its
     * 32-bit one: edk2 f6489621b8 (PciBusDxe's DegradeResource) did this in 2026.02 only; defbd14d63 reverted it for
     * 2026.05 after compatibility reports.
     */
    boolean placesNonPrefetchable64BitBarsInBridgePrefetchableWindows() {
        return year == 2026 && month >= 2 && month < 5;
    }

    /**
     * The highest phys-bits OVMF uses once it trusts CPUID, before the 1 GiB-page cap: 47, and 46 from 2023.08. From
     * 2024.05 edk2 allows 48 and more under 5-level paging, but OVMF's reset vector turns that on only in builds with
     * PcdUse5LevelPageTable, which no OvmfPkg X64 platform file sets (MdeModulePkg's default is FALSE), and from 2024.11
     * switches small guests back to 4-level paging; Debian's 2025.02 and 2026.08 builds cap an la57 vCPU at 46.
     */
    int physBitsCap() {
        return isAtLeast(2023, 8) ? 46 : 47;
    }

    /** By release date: a build with a change backported is as old as its release. */
    @Override
    public int compareTo(OvmfRelease other) {
        return year != other.year ? Integer.compare(year, other.year) : Integer.compare(month, other.month);
    }

    /** The release as people name it, {@code 2025.02}: a build's backports do not change its name. */
    @Override
    public String toString() {
        return String.format("%04d.%02d", year, month);
    }

    /**
     * A text {@link #parse} reads back as this build: the release, or for a build with the backport the first package
     * version that carries it ({@code 2025.02-2}, {@code 2024.02-2ubuntu0.4}).
     */
    public String parseableText() {
        return knobOverrideBackported ? backport().map(KnobOverrideBackport::firstVersion).orElse(toString())
                : toString();
    }
}
