package dev.virtlint.rules.host;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.MemoryDevice;
import dev.virtlint.domain.MemorySize;
import dev.virtlint.domain.PciAddress;
import dev.virtlint.domain.Sized;
import dev.virtlint.host.HostFacts;
import dev.virtlint.host.IommuGroup;
import dev.virtlint.host.PciDevice;
import dev.virtlint.host.ReservedRegion;
import dev.virtlint.platform.AddressLayout;
import dev.virtlint.platform.AddressMap;
import dev.virtlint.platform.Region;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.Hex;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.xml.Edits;
import dev.virtlint.xml.TextEdit;
import dev.virtlint.xml.XmlElement;

/**
 * VFIO maps all guest RAM into the host IOMMU when QEMU starts, pinning every page (vfio_dma_do_map,
 * drivers/vfio/vfio_iommu_type1.c). The pinning counts against QEMU's locked-memory limit, which libvirt sets to
 * {@code <memtune><hard_limit>} when there is one (qemuDomainGetMemLockLimitBytes, src/qemu/qemu_domain.c): below the
 * RAM the kernel refuses with ENOMEM. The mapping must also lie inside the IOMMU's address width and outside every
 * reserved region of the devices' groups but the relaxable ones (vfio_iommu_resv_exclude): elsewhere the kernel refuses
 * with EINVAL. QEMU stops either way ("memory listener initialization failed").
 */
@RuleInfo(id = "VL606", name = "vfio-dma-mapping-fails", severity = Severity.ERROR, family = Family.HOST,
        summary = "VFIO cannot map the guest's RAM: <memtune><hard_limit> is below what it pins, or RAM lies beyond the"
                + " host IOMMU's address width or in a reserved region of a device's IOMMU group")
public final class VfioDmaMappingFails implements Rule {
    private static final long KIB = MemorySize.KIB;
    /** libvirt's allowance for what VFIO pins besides guest RAM (video RAM, ROMs), in KiB. */
    private static final long LIBVIRT_MARGIN_KIB = 1024 * 1024;
    /**
     * Reserved-region types left out: VFIO maps over a relaxable one (Intel RMRRs of USB and graphics devices), and a
     * device with a direct one is refused before any mapping (intel_iommu_attach_device: "Device is ineligible for
     * IOMMU domain attach due to platform RMRR requirement"), which is not a matter of where RAM lies.
     */
    private static final Set<String> NOT_MAPPING_LIMITS = Set.of("direct-relaxable", "direct");

    @Override
    public List<Finding> check(LintContext context) {
        List<Hostdev> hostdevs = context.domain().pciHostdevs();
        if (hostdevs.isEmpty()) {
            return List.of();
        }
        List<Finding> findings = new ArrayList<>();
        lockedMemory(context, hostdevs.size()).ifPresent(findings::add);
        placement(context, hostdevs).ifPresent(findings::add);
        return findings;
    }

    /**
     * libvirt 11.3's limit without a hard_limit: guest memory once per VFIO device when a vIOMMU gives each device an
     * address space of its own, else once, plus 1 GiB (since libvirt 8.7.0, commit 8d5704e2c4; before, memory plus
     * 1 GiB whatever the devices).
     */
    private Optional<Finding> lockedMemory(LintContext context, int vfioDevices) {
        DomainDef domain = context.domain();
        Optional<Sized> hardLimit = domain.memory().hardLimit();
        OptionalLong initialRam = context.platform().inputs().initialRamBytes();
        if (hardLimit.isEmpty() || initialRam.isEmpty()) {
            return Optional.empty();
        }
        boolean viommu = !domain.iommus().isEmpty();
        long limit = hardLimit.get().size().kibRoundedUp() * KIB;
        long libvirtKib;
        long totalBytes = initialRam.getAsLong();
        try {
            for (MemoryDevice device : domain.memoryDevices()) {
                totalBytes = Math.addExact(totalBytes, device.size().map(MemorySize::bytes).orElse(0L));
            }
            long totalKib = Math.floorDiv(totalBytes + KIB - 1, KIB);
            libvirtKib = Math.addExact(Math.multiplyExact(viommu ? vfioDevices : 1, totalKib), LIBVIRT_MARGIN_KIB);
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
        long pinned = initialRam.getAsLong();
        if (limit >= libvirtKib * KIB) {
            return Optional.empty();
        }
        XmlElement element = hardLimit.get().element();
        String setting = "<memtune><hard_limit> is " + MemorySize.format(limit) + ", and libvirt makes it QEMU's"
                + " locked-memory limit";
        String formula = (viommu ? vfioDevices + " × " : "") + MemorySize.format(totalBytes) + " + 1 GiB = "
                + MemorySize.format(libvirtKib * KIB);
        Fix fix = Fix.unsafe("raise <hard_limit> to libvirt's own limit for this domain (" + formula + ")",
                List.of(TextEdit.replace(element.span(), hardLimitXml(domain, libvirtKib))));
        if (limit < pinned) {
            String message = setting + ", but VFIO pins all " + MemorySize.format(pinned) + " of guest RAM when QEMU"
                    + " starts: the kernel refuses ('vfio_pin_pages_remote: RLIMIT_MEMLOCK (" + limit + ") exceeded')"
                    + " and QEMU stops with 'memory listener initialization failed: Region …:"
                    + " vfio_container_dma_map(…) = -12 (Cannot allocate memory)'. The same value caps the whole QEMU"
                    + " process's memory (its cgroup's memory.max). Raise it to at least libvirt's own limit, "
                    + formula + ", or remove <hard_limit> and let libvirt set the limit.";
            return Optional.of(context.finding(this, element, message)
                    .data("hardLimitBytes", limit).data("pinnedBytes", pinned)
                    .data("libvirtLimitBytes", libvirtKib * KIB)
                    .fix(fix).build());
        }
        String why = viommu && vfioDevices > 1
                ? "with a vIOMMU each of the " + vfioDevices + " devices has an address space of its own, and VFIO pins"
                        + " guest RAM again for each (" + MemorySize.format(pinned * vfioDevices) + " in all)"
                : "VFIO pins video RAM and ROMs besides guest RAM, and QEMU needs memory of its own under the same cap";
        String message = setting + ", below what libvirt sets when there is none (" + formula + "): " + why
                + ". Where the pinned memory passes the limit the kernel refuses ('vfio_pin_pages_remote:"
                + " RLIMIT_MEMLOCK (" + limit + ") exceeded') and QEMU stops with 'vfio_container_dma_map(…) = -12"
                + " (Cannot allocate memory)'. Raise it to libvirt's value, or remove <hard_limit>.";
        return Optional.of(context.finding(this, element, message)
                .severity(Severity.WARNING)
                .data("hardLimitBytes", limit).data("pinnedBytes", pinned)
                .data("libvirtLimitBytes", libvirtKib * KIB)
                .fix(fix).build());
    }

    private static String hardLimitXml(DomainDef domain, long kib) {
        char quote = Edits.quoteOf(domain.document());
        return "<hard_limit unit=" + quote + "KiB" + quote + ">" + kib + "</hard_limit>";
    }

    /** Guest RAM the IOMMU cannot take, from the address map QEMU will build. */
    private Optional<Finding> placement(LintContext context, List<Hostdev> hostdevs) {
        if (context.hostFacts().isEmpty()) {
            context.couldNotCheck(this, "the host IOMMU's address width and the reserved regions of the devices' IOMMU"
                    + " groups");
            return Optional.empty();
        }
        Optional<AddressMap> map = context.platform().addressMap();
        if (map.isEmpty()) {
            return Optional.empty();
        }
        HostFacts facts = context.hostFacts().get();
        List<Conflict> conflicts = new ArrayList<>();
        List<Region> memory = map.get().regions().stream().filter(VfioDmaMappingFails::isMemory).toList();
        widthConflicts(facts, memory, conflicts);
        reservedConflicts(facts, hostdevs, memory, conflicts);
        if (conflicts.isEmpty()) {
            return Optional.empty();
        }
        boolean certain = conflicts.stream().anyMatch(Conflict::certain);
        String device = hostdevs.get(0).source().map(PciAddress::bdf).orElse("…");
        String consequence = certain
                ? "VFIO cannot map guest RAM there (VFIO_IOMMU_MAP_DMA fails with EINVAL), so QEMU stops: 'vfio "
                        + device
                        + ": memory listener initialization failed: Region …: vfio_container_dma_map(…) = -22 (Invalid"
                        + " argument)'"
                : "the guest starts, but memory hot-plugged there cannot be mapped (VFIO_IOMMU_MAP_DMA fails with"
                        + " EINVAL), and QEMU then stops the guest ('vfio: DMA mapping failed, unable to continue')";
        String message = String.join("; ", conflicts.stream().map(Conflict::text).toList()) + ": " + consequence
                + ". Give the guest less memory (or a smaller <maxMemory>), or run it on a host whose IOMMU covers"
                + " those addresses.";
        DomainDef domain = context.domain();
        XmlElement anchor = (certain ? domain.memory().memory() : domain.memory().maxMemory()
                .or(() -> domain.memory().memory())).map(Sized::element).orElse(domain.root());
        return Optional.of(context.finding(this, anchor, message)
                .severity(certain ? Severity.ERROR : Severity.WARNING)
                .data("conflicts", conflicts.stream().map(Conflict::text).toList())
                .data("bootRamAffected", certain)
                .build());
    }

    private static boolean isMemory(Region region) {
        return region.name().equals(Region.RAM_BELOW_4G) || region.name().equals(Region.RAM_ABOVE_4G)
                || region.name().equals(Region.DEVICE_MEMORY);
    }

    private static boolean isBootRam(Region region) {
        return !region.name().equals(Region.DEVICE_MEMORY);
    }

    /**
     * Beyond the widest unit's width every device fails; beyond the narrowest only the devices behind it, and the
     * capture does not say which unit serves which device.
     */
    private static void widthConflicts(HostFacts facts, List<Region> memory, List<Conflict> conflicts) {
        List<Integer> widths = facts.iommuUnits().orElse(List.of()).stream()
                .flatMap(unit -> unit.addressWidth().stream()).filter(width -> width < 64).sorted().toList();
        if (widths.isEmpty()) {
            return;
        }
        int narrowest = widths.get(0);
        int widest = widths.get(widths.size() - 1);
        for (Region region : memory) {
            int width = Long.compareUnsigned(region.endInclusive(), AddressLayout.addressLimit(widest)) > 0 ? widest
                    : Long.compareUnsigned(region.endInclusive(), AddressLayout.addressLimit(narrowest)) > 0 ? narrowest
                    : -1;
            if (width < 0) {
                continue;
            }
            conflicts.add(new Conflict(describe(region) + " reaches past the host IOMMU's " + width + "-bit address"
                    + " width (last address " + Hex.of(AddressLayout.addressLimit(width)) + ")"
                    + (width == widest ? "" : " on the narrower of its units"),
                    isBootRam(region) && width == widest));
        }
    }

    /** AMD's HyperTransport hole is VL103's: it is reserved on every AMD host, whatever the devices. */
    private static void reservedConflicts(HostFacts facts, List<Hostdev> hostdevs, List<Region> memory,
                                          List<Conflict> conflicts) {
        Set<Integer> groups = new LinkedHashSet<>();
        for (Hostdev hostdev : hostdevs) {
            hostdev.source().flatMap(facts::pciDevice).flatMap(PciDevice::iommuGroup).ifPresent(groups::add);
        }
        Set<ReservedRegion> seen = new LinkedHashSet<>();
        for (int number : groups) {
            Optional<IommuGroup> group = facts.iommuGroup(number);
            for (ReservedRegion reserved : group.flatMap(IommuGroup::reservedRegions).orElse(List.of())) {
                if (NOT_MAPPING_LIMITS.contains(reserved.type()) || insideAmdHtHole(reserved) || !seen.add(reserved)) {
                    continue;
                }
                for (Region region : memory) {
                    if (region.overlaps(reserved.start(), reserved.end())) {
                        conflicts.add(new Conflict(describe(region) + " overlaps " + Hex.of(reserved.start()) + "-"
                                + Hex.of(reserved.end()) + ", which IOMMU group " + number + " reserves ("
                                + reserved.type() + ")", isBootRam(region)));
                    }
                }
            }
        }
    }

    private static boolean insideAmdHtHole(ReservedRegion region) {
        return Long.compareUnsigned(region.start(), HostFacts.AMD_HT_HOLE_START) >= 0
                && Long.compareUnsigned(region.end(), HostFacts.AMD_HT_HOLE_END) <= 0;
    }

    private static String describe(Region region) {
        return region.name() + " " + Hex.of(region.start()) + "-" + Hex.of(region.endInclusive());
    }

    /** One thing VFIO cannot map; {@code certain} when it is RAM the guest has from the start. */
    private record Conflict(String text, boolean certain) {
    }
}
