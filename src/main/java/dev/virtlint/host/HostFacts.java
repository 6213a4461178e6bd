package dev.virtlint.host;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.PciAddress;

/**
 * What a Linux host shows about itself, read from a root directory by {@link HostRootReader}. Every fact is
 * absent when its file or directory is absent; a list that is present but empty is a fact too (an empty
 * {@code iommu_groups} means the IOMMU is off). Files that exist but could not be used are in
 * {@link #warnings()}. A root captured through libvirt says which facts libvirt did not report in
 * {@link #remoteCapture()}.
 *
 * @param framebuffers      the ids of the kernel's framebuffers ({@code /proc/fb}): "EFI VGA" (efifb), "VESA VGA"
 *                          (vesafb), or a DRM driver's "NAMEdrmfb" ("simpledrmdrmfb", "amdgpudrmfb")
 * @param vendorResetLoaded whether gnif/vendor-reset's module is loaded (absent without {@code sys/module})
 * @param kernelIommu       the IOMMU's boot parameters, interrupt remapping, and VFIO's {@code allow_unsafe_interrupts}
 * @param qemuProcess       who QEMU runs as and whether AppArmor confines it
 * @param romFiles          the ROM files the host's domains name, and those a linted domain names once
 *                          {@link #withRomFiles(Collection)} has read them
 */
public record HostFacts(Optional<CpuInfo> cpu, Optional<List<IommuUnit>> iommuUnits,
                        Optional<List<IommuGroup>> iommuGroups, Optional<List<PciDevice>> pciDevices,
                        Optional<Boolean> battery, List<KvmModule> kvmModules,
                        Optional<List<String>> framebuffers, Optional<Boolean> vendorResetLoaded,
                        Optional<List<FirmwareDescriptor>> firmware, KernelIommu kernelIommu, QemuProcess qemuProcess,
                        RomFiles romFiles, Optional<RemoteCapture> remoteCapture, List<HostWarning> warnings) {

    /** The HyperTransport range AMD hosts reserve just below 1 TiB (FD_0000_0000h–FF_FFFF_FFFFh). */
    public static final long AMD_HT_HOLE_START = 0xfd_0000_0000L;
    public static final long AMD_HT_HOLE_END = 0xff_ffff_ffffL;

    public HostFacts {
        iommuUnits = iommuUnits.map(List::copyOf);
        iommuGroups = iommuGroups.map(List::copyOf);
        pciDevices = pciDevices.map(List::copyOf);
        kvmModules = List.copyOf(kvmModules);
        framebuffers = framebuffers.map(List::copyOf);
        firmware = firmware.map(List::copyOf);
        warnings = List.copyOf(warnings);
    }

    public Optional<CpuVendor> cpuVendor() {
        return cpu.flatMap(CpuInfo::vendor);
    }

    public Optional<Integer> physBits() {
        return cpu.flatMap(CpuInfo::physBits);
    }

    /** The narrowest unit decides: a device behind it cannot DMA above that width. */
    public Optional<Integer> iommuAddressWidth() {
        return iommuUnits.flatMap(units -> units.stream()
                .flatMap(unit -> unit.addressWidth().stream())
                .min(Integer::compare));
    }

    /** Whether the kernel runs an IOMMU: it creates groups only then. */
    public Optional<Boolean> iommuEnabled() {
        return iommuGroups.map(groups -> !groups.isEmpty());
    }

    /**
     * Whether some group reserves the whole AMD HyperTransport range, so VFIO refuses DMA mappings there; absent
     * when no group's {@code reserved_regions} could be read.
     */
    public Optional<Boolean> amdHtHoleReserved() {
        List<List<ReservedRegion>> known = iommuGroups.orElse(List.of()).stream()
                .flatMap(group -> group.reservedRegions().stream())
                .toList();
        if (known.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(known.stream().flatMap(List::stream)
                .anyMatch(region -> region.type().equals("reserved")
                        && region.covers(AMD_HT_HOLE_START, AMD_HT_HOLE_END)));
    }

    public Optional<PciDevice> pciDevice(PciAddress address) {
        return pciDevices.flatMap(devices -> devices.stream().filter(d -> d.address().equals(address)).findFirst());
    }

    public Optional<IommuGroup> iommuGroup(int number) {
        return iommuGroups.flatMap(groups -> groups.stream().filter(g -> g.number() == number).findFirst());
    }

    /**
     * The other PCI functions in the device's IOMMU group, which must go to the same guest (or stay unbound);
     * absent when the device or its group is unknown.
     */
    public Optional<List<PciAddress>> iommuGroupPeers(PciAddress address) {
        Optional<Integer> number = pciDevice(address).flatMap(PciDevice::iommuGroup);
        if (number.isEmpty()) {
            return Optional.empty();
        }
        Optional<IommuGroup> group = iommuGroup(number.get());
        List<PciAddress> members = group.map(IommuGroup::pciDevices)
                .orElseGet(() -> pciDevices.orElse(List.of()).stream()
                        .filter(device -> device.iommuGroup().equals(number))
                        .map(PciDevice::address)
                        .toList());
        return Optional.of(members.stream().filter(member -> !member.equals(address)).toList());
    }

    /**
     * These facts with the ROM files at {@code paths} (absolute, as a domain names them) read from a root that is read
     * as it is; a capture knows only the files it recorded. The linter calls this before a domain's rules run.
     */
    public HostFacts withRomFiles(Collection<String> paths) {
        RomFiles more = romFiles.including(paths);
        return more == romFiles ? this : new HostFacts(cpu, iommuUnits, iommuGroups, pciDevices, battery, kvmModules,
                framebuffers, vendorResetLoaded, firmware, kernelIommu, qemuProcess, more, remoteCapture, warnings);
    }

    /** A battery means a laptop, where a discrete GPU is usually muxless and hard to pass through. */
    public Optional<Boolean> laptop() {
        return battery;
    }
}
