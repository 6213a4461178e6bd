package dev.virtlint.platform;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.QemuArg;
import dev.virtlint.firmware.FirmwareCpu;
import dev.virtlint.firmware.FwCfgArgument;
import dev.virtlint.firmware.OvmfInput;
import dev.virtlint.firmware.OvmfPlan;
import dev.virtlint.firmware.OvmfRelease;
import dev.virtlint.firmware.PciMmio64Knob;
import dev.virtlint.libvirt.CpuModels;

/**
 * Feeds the OVMF model (ovmf-and-libvirt.md Part A) from a resolved platform: the edk2 release of the target stack,
 * the vCPU's CPUID as OVMF reads it, QEMU's memory layout as OVMF sees it through e820 and fw_cfg, the X-PciMmio64Mb
 * knob from {@code qemu:commandline}, and the guest's PCI tree.
 */
final class FirmwareResolver {
    private FirmwareResolver() {
    }

    /** {@code topology} gives the guest PCI tree for a machine family, which depends on the domain alone. */
    static Resolved<OvmfPlan> resolve(DomainDef domain, Platform platform,
                                      Function<MachineFamily, Resolved<GuestPciTopology.Topology>> topology) {
        if (!domain.os().usesUefi()) {
            return Resolved.unknown("the domain boots SeaBIOS (no firmware='efi' and no OVMF loader), whose 64-bit"
                    + " window virt-lint does not model");
        }
        Optional<OvmfRelease> release = OvmfRelease.parse(platform.stack().ovmf());
        if (release.isEmpty()) {
            return Resolved.unknown("'" + platform.stack().ovmf() + "' is not an edk2 release such as 2022.11");
        }
        if (platform.addressMap().isEmpty() || platform.layoutInput().isEmpty()) {
            return Resolved.unknown("QEMU's address map is unknown, and OVMF places its window from it");
        }
        AddressMap map = platform.addressMap().get();
        if (!map.qemuWillStart()) {
            return Resolved.unknown("QEMU will not start, so OVMF never runs");
        }
        Resolved<PciMmio64Knob> knob = knob(domain, release.get());
        if (!knob.isKnown()) {
            return Resolved.unknown(knob.source());
        }
        Resolved<FirmwareCpu> cpu = cpu(domain, platform, release.get());
        if (!cpu.isKnown()) {
            return Resolved.unknown(cpu.source());
        }
        MachineFamily family = platform.layoutInput().get().flags().family();
        Resolved<GuestPciTopology.Topology> tree = topology.apply(family);
        if (!tree.isKnown()) {
            return Resolved.unknown(tree.source());
        }
        OvmfInput input = OvmfInputs.of(release.get(), cpu.value().get(), map, knob.value().get(), family);
        return Resolved.of(OvmfPlan.of(input, tree.value().get().rootBus(), tree.value().get().notes()),
                "OVMF " + release.get() + " for a vCPU with " + cpu.source());
    }

    /** The first {@code -fw_cfg} for X-PciMmio64Mb; QEMU refuses to start on malformed or duplicate ones. */
    private static Resolved<PciMmio64Knob> knob(DomainDef domain, OvmfRelease release) {
        List<QemuArg> args = domain.honouredQemuArgs();
        List<String> names = new ArrayList<>();
        domain.fwCfgEntries().forEach(entry -> names.add(entry.name()));
        Optional<FwCfgArgument> knob = Optional.empty();
        for (int i = 0; i + 1 < args.size(); i++) {
            if (!args.get(i).value().equals("-fw_cfg")) {
                continue;
            }
            FwCfgArgument argument = FwCfgArgument.parse(args.get(++i).value());
            if (!argument.isValid()) {
                return Resolved.unknown("QEMU refuses -fw_cfg " + args.get(i).value() + ": " + argument.error().get());
            }
            if (names.contains(argument.name().get())) {
                return Resolved.unknown("QEMU refuses the second fw_cfg file " + argument.name().get());
            }
            names.add(argument.name().get());
            if (argument.name().get().equals(PciMmio64Knob.FW_CFG_NAME)) {
                knob = Optional.of(argument);
            }
        }
        if (knob.isEmpty()) {
            return Resolved.of(PciMmio64Knob.absent(), "no X-PciMmio64Mb");
        }
        if (knob.get().string().isEmpty()) {
            return Resolved.unknown("X-PciMmio64Mb comes from a file, which virt-lint does not read");
        }
        return Resolved.of(PciMmio64Knob.read(knob.get().string().get(), release), "X-PciMmio64Mb");
    }

    private static Resolved<FirmwareCpu> cpu(DomainDef domain, Platform platform, OvmfRelease release) {
        String vendor = platform.vendor().value().orElseThrow();
        int physBits = platform.physBits().value().orElseThrow();
        Optional<String> model = platform.inputs().cpuModel();
        boolean hostCpu = model.isEmpty() || model.get().equals("host")
                || (model.get().equals("max") && platform.accel() == Accel.KVM);
        Version qemu = platform.qemu().version();
        Optional<Boolean> modelGigabytePages = hostCpu ? Optional.empty()
                : CpuModels.gigabytePages(model.get(), qemu.major(), qemu.minor());
        if (!hostCpu && modelGigabytePages.isEmpty()) {
            return Resolved.unknown("QEMU " + qemu.series() + " has no CPU model '" + model.get() + "', so its 1 GiB-page"
                    + " support is unknown");
        }
        // Every x86-64 host CPU since 2010 has 1 GiB pages.
        boolean gigabytePages = feature(domain, "pdpe1gb", modelGigabytePages.orElse(true));
        Resolved<Integer> guestPhysBits = GuestPhysBits.cpuid(domain, platform);
        if (!guestPhysBits.isKnown() && release.honoursGuestPhysBits()) {
            return Resolved.unknown(guestPhysBits.source());
        }
        return Resolved.of(new FirmwareCpu(vendor, physBits, gigabytePages, guestPhysBits.value().orElse(0)), (gigabytePages ? "" : "no ") + "1 GiB pages");
    }

    /**
     * A CPUID flag: a {@code -cpu} in {@code qemu:commandline} replaces libvirt's, so its {@code +flag}, {@code -flag}
     * or {@code flag=on|off} decides; otherwise the domain's {@code <feature>} element; otherwise the model's value.
     */
    private static boolean feature(DomainDef domain, String flag, boolean modelValue) {
        Optional<String> commandLineCpu = Optional.empty();
        List<QemuArg> args = domain.honouredQemuArgs();
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).value().equals("-cpu")) {
                commandLineCpu = Optional.of(args.get(i + 1).value());
            }
        }
        if (commandLineCpu.isEmpty()) {
            return domain.cpu().flatMap(cpu -> cpu.feature(flag))
                    .map(element -> !element.policy().equals("disable") && !element.policy().equals("forbid"))
                    .orElse(modelValue);
        }
        boolean value = modelValue;
        for (String part : commandLineCpu.get().split(",")) {
            if (part.equals("+" + flag) || part.equals(flag) || part.equals(flag + "=on") || part.equals(flag + "=true")) {
                value = true;
            } else if (part.equals("-" + flag) || part.equals(flag + "=off") || part.equals(flag + "=false")) {
                value = false;
            }
        }
        return value;
    }
}
