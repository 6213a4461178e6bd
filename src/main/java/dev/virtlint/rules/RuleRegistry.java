package dev.virtlint.rules;

import java.util.List;
import java.util.Optional;

import dev.virtlint.rules.firmware.BarSizesUnknown;
import dev.virtlint.rules.firmware.MalformedFwCfg;
import dev.virtlint.rules.firmware.Mmio64ApertureBeyondPhysBits;
import dev.virtlint.rules.firmware.Mmio64ApertureTooSmall;
import dev.virtlint.rules.firmware.MmioWindowInAmdHtHole;
import dev.virtlint.rules.gpu.GpuFunctionsSplit;
import dev.virtlint.rules.gpu.GpuRootPortHotplug;
import dev.virtlint.rules.gpu.LaptopDgpu;
import dev.virtlint.rules.gpu.NvidiaHypervisorVisible;
import dev.virtlint.rules.gpu.UnstableDeviceAlias;
import dev.virtlint.rules.host.DeviceNotBindable;
import dev.virtlint.rules.host.HostIommuNotReady;
import dev.virtlint.rules.host.HostdevNotOnHost;
import dev.virtlint.rules.host.IommuGroupNotViable;
import dev.virtlint.rules.host.NoReset;
import dev.virtlint.rules.host.RomFileUnusable;
import dev.virtlint.rules.host.VfioDmaMappingFails;
import dev.virtlint.rules.iommu.ViommuAwBitsExceedHost;
import dev.virtlint.rules.iommu.ViommuAwBitsGuestPhysBitsMismatch;
import dev.virtlint.rules.iommu.ViommuCachingModeOff;
import dev.virtlint.rules.libvirt.CpuTopologyMismatch;
import dev.virtlint.rules.libvirt.HostPassthroughUnderTcg;
import dev.virtlint.rules.libvirt.HugepagesBacking;
import dev.virtlint.rules.libvirt.HugepagesNodeset;
import dev.virtlint.rules.libvirt.IommuInterruptRemapping;
import dev.virtlint.rules.libvirt.MaxPhysAddrPassthroughBits;
import dev.virtlint.rules.libvirt.SecureBootPrerequisites;
import dev.virtlint.rules.machine.DeprecatedMachineType;
import dev.virtlint.rules.machine.UnknownMachineType;
import dev.virtlint.rules.machine.UnpinnedMachineType;
import dev.virtlint.rules.memory.Amd1TbRelocation;
import dev.virtlint.rules.memory.PhysBitsExceedHost;
import dev.virtlint.rules.memory.PhysBitsTooLow;
import dev.virtlint.rules.memory.QemuRefusesMemory;
import dev.virtlint.rules.memory.RamInAmdHtHole;
import dev.virtlint.rules.meta.ChecksSkipped;
import dev.virtlint.rules.meta.UnusedSuppression;
import dev.virtlint.rules.model.CpuFeaturesWithoutModel;
import dev.virtlint.rules.model.InvalidValue;
import dev.virtlint.rules.model.SchemaInvalid;
import dev.virtlint.rules.qemu.QemuArgHasNativeElement;
import dev.virtlint.rules.qemu.QemuArgDuplicate;
import dev.virtlint.rules.qemu.QemuArgMalformed;
import dev.virtlint.rules.qemu.QemuBackendUnused;
import dev.virtlint.rules.qemu.QemuEnvIgnored;
import dev.virtlint.rules.qemu.QemuNamespaceUndeclared;

/** Every rule, in ID order. Adding a rule is one line here plus its class, doc and fixtures. */
public final class RuleRegistry {
    private static final List<Rule> ALL = List.of(
            new InvalidValue(),
            new UnknownMachineType(),
            new DeprecatedMachineType(),
            new UnpinnedMachineType(),
            new CpuFeaturesWithoutModel(),
            new SchemaInvalid(),
            new QemuRefusesMemory(),
            new PhysBitsTooLow(),
            new Amd1TbRelocation(),
            new RamInAmdHtHole(),
            new MmioWindowInAmdHtHole(),
            new PhysBitsExceedHost(),
            new Mmio64ApertureTooSmall(),
            new Mmio64ApertureBeyondPhysBits(),
            new BarSizesUnknown(),
            new MalformedFwCfg(),
            new ViommuAwBitsExceedHost(),
            new ViommuAwBitsGuestPhysBitsMismatch(),
            new ViommuCachingModeOff(),
            new GpuRootPortHotplug(),
            new NvidiaHypervisorVisible(),
            new GpuFunctionsSplit(),
            new UnstableDeviceAlias(),
            new LaptopDgpu(),
            new QemuNamespaceUndeclared(),
            new QemuArgHasNativeElement(),
            new QemuArgMalformed(),
            new QemuBackendUnused(),
            new QemuEnvIgnored(),
            new QemuArgDuplicate(),
            new HostdevNotOnHost(),
            new IommuGroupNotViable(),
            new DeviceNotBindable(),
            new NoReset(),
            new RomFileUnusable(),
            new VfioDmaMappingFails(),
            new HostIommuNotReady(),
            new CpuTopologyMismatch(),
            new SecureBootPrerequisites(),
            new MaxPhysAddrPassthroughBits(),
            new IommuInterruptRemapping(),
            new HugepagesNodeset(),
            new HugepagesBacking(),
            new HostPassthroughUnderTcg(),
            new UnusedSuppression(),
            // Last: it reports what the rules above could not check.
            new ChecksSkipped());

    private RuleRegistry() {
    }

    public static List<Rule> all() {
        return ALL;
    }

    /** By ID ({@code VL501}, case-insensitive) or name ({@code qemu-namespace-undeclared}). */
    public static Optional<Rule> find(String idOrName) {
        return ALL.stream()
                .filter(rule -> rule.meta().id().equalsIgnoreCase(idOrName) || rule.meta().name().equals(idOrName))
                .findFirst();
    }
}
