package dev.virtlint.rules.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.Rom;
import dev.virtlint.host.AppArmorPolicy;
import dev.virtlint.host.HostFacts;
import dev.virtlint.host.PathAccess;
import dev.virtlint.host.PciDevice;
import dev.virtlint.host.QemuIdentity;
import dev.virtlint.host.RomFile;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.FindingBuilder;
import dev.virtlint.rules.Hex;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

/**
 * A passed-through device's {@code <rom file>} that QEMU cannot load, or whose content the guest firmware will not
 * take. libvirt hands the path to QEMU as {@code romfile} (qemuBuildRomProps, src/qemu/qemu_command.c) without
 * relabelling it: its DAC and SELinux drivers label disks, kernels, loaders and ACPI tables but not ROM files, and
 * virt-aa-helper adds no ROM file to a guest's AppArmor profile. QEMU then loads it in pci_add_option_rom
 * (hw/pci/pci.c), the same for vfio-pci as for any PCI device. Also tells, as information, of a VGA device the host
 * shows without an expansion ROM, which the guest gets without one unless a ROM file is given.
 */
@RuleInfo(id = "VL605", name = "rom-file-unusable", severity = Severity.ERROR, family = Family.HOST,
        summary = "A <rom file> that is missing, empty or unreadable to QEMU's user (QEMU does not start), or holds no"
                + " usable option ROM image")
public final class RomFileUnusable implements Rule {
    /** PCI class 0x0300: a VGA-compatible display controller, whose option ROM gives the firmware its display. */
    private static final int VGA_CLASS = 0x0300;

    @Override
    public List<Finding> check(LintContext context) {
        List<Hostdev> hostdevs = context.domain().pciHostdevs();
        List<Finding> findings = new ArrayList<>();
        for (Hostdev hostdev : hostdevs) {
            Optional<Rom> rom = hostdev.rom();
            if (rom.flatMap(Rom::enabled).map("no"::equals).orElse(false)) {
                continue;
            }
            Optional<String> file = rom.flatMap(Rom::file).filter(path -> path.startsWith("/"));
            if (file.isPresent()) {
                romFile(context, rom.get(), file.get()).ifPresent(findings::add);
            } else if (rom.flatMap(Rom::bar).map("off"::equals).orElse(false)) {
                continue;
            } else {
                noRomOnHost(context, hostdev).ifPresent(findings::add);
            }
        }
        return findings;
    }

    private Optional<Finding> romFile(LintContext context, Rom rom, String path) {
        if (context.hostFacts().isEmpty()) {
            context.couldNotCheck(this, "the ROM files <rom file> names");
            return Optional.empty();
        }
        HostFacts facts = context.hostFacts().get();
        Optional<RomFile> file = facts.romFiles().lookup(path);
        if (file.isEmpty()) {
            context.couldNotCheck(this, "the ROM file " + path + " (a capture records the files the host's own domains"
                    + " name and those in /usr/share/vgabios)");
            return Optional.empty();
        }
        boolean barOff = rom.bar().map("off"::equals).orElse(false);
        String failed = "QEMU refuses the device and the guest does not start: 'failed to find romfile \"" + path
                + "\"'";
        return switch (file.get().presence()) {
            case MISSING -> Optional.of(barOff
                    ? finding(context, rom, path, "missing", "the host has no file " + path + ". With bar='off' QEMU"
                            + " starts the guest without the ROM (QEMU 10.0 warns '" + romFileWarning(path) + "'; 7.2"
                            + " says nothing), so the guest firmware gets no option ROM for the device.")
                            .severity(Severity.WARNING).build()
                    : finding(context, rom, path, "missing", "the host has no file " + path + ", so " + failed + ".")
                            .build());
            case NOT_A_FILE -> Optional.of(finding(context, rom, path, "not-a-file", path + " is not a regular file"
                    + " on the host, so QEMU cannot use it as a ROM (QEMU 10.0 says 'romfile \"" + path + "\" too large"
                    + " (size cannot exceed 2 GiB)' for a directory on ext4).").build());
            case FILE -> regularFile(context, rom, file.get(), facts, failed);
        };
    }

    /**
     * What QEMU prints when it cannot open a ROM it hands the firmware through fw_cfg (rom_add_file, hw/core/loader.c:
     * "rom: file %-20s: error %s", the error glib's), as QEMU 10.0 prints it (RomFileUnusableOracleTest).
     */
    static String romFileWarning(String path) {
        return String.format(Locale.ROOT, "rom: file %-20s: error Failed to open file “%s”: No such file or directory",
                path, path);
    }

    private Optional<Finding> regularFile(LintContext context, Rom rom, RomFile file, HostFacts facts, String failed) {
        String path = file.path();
        if (file.size() == 0 && file.contentRead()) {
            return Optional.of(finding(context, rom, path, "empty", path + " is empty, so QEMU refuses the device and"
                    + " the guest does not start: 'romfile \"" + path + "\" is empty'.").build());
        }
        Optional<QemuIdentity> identity = facts.qemuProcess().identity();
        if (identity.isEmpty()) {
            context.couldNotCheck(this, "the user QEMU runs as (qemu.conf, passwd, group)", "etc/libvirt/qemu.conf");
        } else if (!identity.get().isRoot()) {
            Optional<PathAccess> denied = file.firstDenied(identity.get());
            if (denied.isPresent()) {
                return Optional.of(unreadable(context, rom, file, identity.get(), denied.get(), failed));
            }
        }
        Optional<AppArmorPolicy> appArmor = facts.qemuProcess().appArmor().filter(AppArmorPolicy::confinesQemu);
        if (appArmor.isPresent() && appArmor.get().readRules().isEmpty()) {
            context.couldNotCheck(this, "libvirt's AppArmor policy for QEMU",
                    "etc/apparmor.d/abstractions/libvirt-qemu");
        } else if (appArmor.isPresent()) {
            boolean owned = identity.flatMap(who -> file.fileAccess().map(access -> access.uid() == who.uid()))
                    .orElse(false);
            if (appArmor.get().ruleAllowingRead(path, owned).isEmpty()) {
                return Optional.of(finding(context, rom, path, "apparmor", "AppArmor confines QEMU on this host, and"
                        + " libvirt adds no ROM file to a guest's profile: none of its QEMU policy's rules ("
                        + String.join(", ", appArmor.get().readRules().stream().map(AppArmorPolicy.ReadRule::source)
                                .distinct().toList()) + ") lets QEMU read " + path + ", so the open is denied and "
                        + failed + ". Move the file to /usr/share/vgabios/, or allow it with '" + path + " r,' in"
                        + " /etc/apparmor.d/abstractions/libvirt-qemu.d/ (or local/abstractions/libvirt-qemu).")
                        .severity(Severity.WARNING).build());
            }
        }
        if (!file.contentRead()) {
            return Optional.empty();
        }
        if (file.imageOffset().isEmpty()) {
            return Optional.of(finding(context, rom, path, "no-image", path + " holds no PCI option ROM image (no"
                    + " 0x55AA signature followed by a PCIR structure): QEMU loads it, but the guest firmware reads a"
                    + " ROM only from its start (OVMF's PCI bus driver stops at the missing signature), so the GPU gets"
                    + " no firmware driver and shows nothing until the guest's own driver loads, which then has no"
                    + " VBIOS either. Give a dump of this card's ROM (cat /sys/bus/pci/devices/…/rom after echo 1 >"
                    + " …/rom, or the vendor's image).").severity(Severity.WARNING).build());
        }
        long offset = file.imageOffset().get();
        if (offset > 0) {
            return Optional.of(finding(context, rom, path, "image-not-at-start", path + " has its option ROM image at "
                    + Hex.of(offset) + ", after " + offset + " bytes of something else (a header some dumping tools"
                    + " write): the guest firmware reads a ROM only from its start, where it finds no 0x55AA"
                    + " signature, so the GPU gets no firmware driver and its guest driver no VBIOS. Cut the first "
                    + offset + " bytes: dd if=" + path + " of=" + path + ".fixed bs=1 skip=" + offset + ".")
                    .data("imageOffset", offset).severity(Severity.WARNING).build());
        }
        return Optional.empty();
    }

    private Finding unreadable(LintContext context, Rom rom, RomFile file, QemuIdentity identity, PathAccess denied,
                               String failed) {
        boolean isFile = denied.path().equals(file.path());
        String who = "QEMU runs as " + identity.user() + " (uid " + identity.uid() + ", groups "
                + identity.groupList() + "; " + (identity.configured() ? "qemu.conf's user"
                : "the build's default, as qemu.conf names it") + ")";
        String why = isFile ? file.path() + " is " + denied.modeAndOwner() + ", which does not let that user read it"
                : "the directory " + denied.path() + " is " + denied.modeAndOwner()
                + ", which does not let that user reach files inside it";
        return finding(context, rom, file.path(), "unreadable", who + " and " + why + "; libvirt does not change a ROM"
                + " file's owner or mode, so " + failed + ". Put the file where that user can read it, e.g."
                + " /usr/share/vgabios/ with mode 0644.")
                .data("qemuUser", identity.user())
                .data("deniedAt", denied.path())
                .build();
    }

    private FindingBuilder finding(LintContext context, Rom rom, String path, String problem,
                               String message) {
        return context.finding(this, rom.element(), message).data("romFile", path).data("problem", problem);
    }

    /**
     * A romfile given to QEMU past libvirt ({@code -set device.X.romfile=…}, a {@code qemu:override} property):
     * which device it is for is not worth guessing, so the information is not given.
     */
    private static boolean givesRomFileToQemu(DomainDef domain) {
        return domain.honouredQemuArgs().stream().anyMatch(arg -> arg.value().contains("romfile="))
                || domain.honouredDeviceOverrides().stream().flatMap(override -> override.properties().stream())
                        .anyMatch(property -> property.name().equals("romfile"));
    }

    /**
     * A VGA device the host shows without an expansion ROM: QEMU gives the guest a ROM BAR only for a ROM the device
     * has (vfio_pci_size_rom, hw/vfio/pci.c), so without a file the guest firmware has no driver for the GPU.
     */
    private Optional<Finding> noRomOnHost(LintContext context, Hostdev hostdev) {
        Optional<PciDevice> device = hostdev.source().flatMap(source -> context.hostFacts()
                .flatMap(facts -> facts.pciDevice(source)));
        if (device.isEmpty() || device.get().resources().isEmpty() || device.get().rom().isPresent()
                || !device.get().classCode().map(code -> code >> 8 == VGA_CLASS).orElse(false)
                || givesRomFileToQemu(context.domain())) {
            return Optional.empty();
        }
        String bdf = device.get().address().bdf();
        boolean laptop = context.hostFacts().flatMap(HostFacts::laptop).orElse(false);
        String message = "the host shows no expansion ROM on the VGA device " + bdf + (laptop
                ? " (on a laptop its VBIOS is part of the system firmware)" : "") + ", and the domain gives none (no"
                + " <rom file>, no romfile on QEMU's command line): the"
                + " guest firmware has no driver for this GPU, so nothing shows on it until the guest's own driver"
                + " loads, and a driver that reads the VBIOS from the ROM finds none. If the guest needs the GPU at"
                + " boot, give it the card's VBIOS with <rom file='/usr/share/vgabios/….rom'/>.";
        return Optional.of(context.finding(this, hostdev.element(), message)
                .severity(Severity.INFO)
                .data("hostDevice", bdf)
                .data("problem", "no-rom")
                .build());
    }
}
