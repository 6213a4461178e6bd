package dev.virtlint.rules.firmware;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.MemorySize;
import dev.virtlint.firmware.Aperture;
import dev.virtlint.firmware.Bar;
import dev.virtlint.firmware.OvmfRelease;
import dev.virtlint.firmware.PciIoAperture;
import dev.virtlint.firmware.PciNode;
import dev.virtlint.firmware.Placement;
import dev.virtlint.firmware.WindowAdvisor;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.FindingBuilder;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.Hex;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.xml.TextEdit;
import dev.virtlint.xml.XmlElement;

@RuleInfo(id = "VL201", name = "mmio64-aperture-too-small", severity = Severity.ERROR, family = Family.FIRMWARE,
        summary = "OVMF's 64-bit PCI window cannot hold the passed-through devices' BARs; it leaves a device unassigned")
public final class Mmio64ApertureTooSmall implements Rule {
    @Override
    public List<Finding> check(LintContext context) {
        List<Hostdev> hostdevs = context.domain().pciHostdevs();
        if (hostdevs.isEmpty()) {
            return List.of();
        }
        if (!context.platform().firmware().isKnown()) {
            FirmwarePrediction.missingFact(context.platform()).ifPresent(fact -> context.couldNotCheck(this, fact));
            return List.of();
        }
        Optional<FirmwarePrediction> prediction = FirmwarePrediction.of(context);
        if (prediction.isEmpty()) {
            return List.of();
        }
        Placement placement = prediction.get().placement();
        Aperture aperture = placement.aperture();
        int reach = prediction.get().plan().input().cpu().reachBits();
        if (placement.allPlaced() || aperture.beyondFirmwareAddressWidth() || aperture.beyond(reach)) {
            return List.of();
        }
        OvmfRelease release = prediction.get().plan().input().release();
        String ovmf = "OVMF " + release;
        Optional<WindowAdvisor.Advice> advice = WindowAdvisor.fit(prediction.get().plan(),
                FirmwarePrediction.maxPhysBits(context.platform()));
        int physBits = prediction.get().plan().input().cpu().physBits();
        String remedy = remedy(advice, physBits);
        Optional<Fix> fix = fix(context, advice, physBits);
        List<Finding> findings = new ArrayList<>();
        if (placement.outcome() == Placement.Outcome.ENUMERATION_FAILED && placement.io().exhausted()) {
            // No window helps here: the I/O space is full and holds nothing OVMF may reject.
            String message = ovmf + " will stop before it boots anything: " + ioSpaceFull(placement) + ", and what"
                    + " needs it there is nothing OVMF may reject (VGA controllers, devices on the root bus). "
                    + IO_REMEDY;
            findings.add(finding(context, largestHostdev(hostdevs, prediction.get()), message, placement, release,
                    Optional.empty()));
            return findings;
        }
        if (placement.outcome() == Placement.Outcome.ENUMERATION_FAILED) {
            Hostdev largest = largestHostdev(hostdevs, prediction.get());
            String message = ovmf + " will stop before it boots anything: the 64-bit BARs need "
                    + FirmwarePrediction.exactSize(placement.requiredBytes()) + " from the window's base, but "
                    + FirmwarePrediction.describe(aperture) + " cannot hold them, and "
                    + whyNothingIsLeftToReject(placement, prediction.get().plan().rootBus()) + ". " + remedy;
            findings.add(finding(context, largest, message, placement, release, fix));
            return findings;
        }
        List<String> lostEmulated = new ArrayList<>();
        placement.unassigned().stream().filter(endpoint -> endpoint.hostDevice().isEmpty())
                .forEach(endpoint -> lostEmulated.add(endpoint.id()));
        boolean hostdevLost = false;
        for (Hostdev hostdev : hostdevs) {
            Optional<PciNode.Endpoint> endpoint = prediction.get().endpointOf(hostdev);
            if (endpoint.isEmpty() || !placement.isUnassigned(endpoint.get())) {
                continue;
            }
            hostdevLost = true;
            if (placement.rejectedForIo(endpoint.get())) {
                String message = ovmf + " will leave " + FirmwarePrediction.describe(endpoint.get())
                        + " without resources: " + ioSpaceFull(placement) + ", and this device's I/O BAR makes it"
                        + " the largest thing OVMF may reject there, so every BAR of it goes, the 64-bit ones too."
                        + " A larger 64-bit window does not help. " + IO_REMEDY;
                findings.add(finding(context, hostdev, message, placement, release, Optional.empty()));
                continue;
            }
            String message = ovmf + " will leave " + FirmwarePrediction.describe(endpoint.get())
                    + " without resources: none of its BARs are assigned, so the guest driver cannot use it (Linux logs"
                    + " 'BAR N: no space for [mem size …]'). The 64-bit BARs need "
                    + FirmwarePrediction.exactSize(placement.requiredBytes()) + " from the window's base, and "
                    + FirmwarePrediction.describe(aperture) + " is too small"
                    + (lostEmulated.isEmpty() ? "" : "; " + String.join(", ", lostEmulated) + " lose theirs too")
                    + ". " + remedy;
            findings.add(finding(context, hostdev, message, placement, release, fix));
        }
        if (!hostdevLost && !lostEmulated.isEmpty()) {
            List<PciNode> paddingsDropped = placement.rejected().stream().filter(PciNode.Bridge.class::isInstance)
                    .toList();
            // The passed-through devices keep their BARs; only emulated devices go, so the guest runs with the GPU
            // and without those: a warning at the lost device, not an error at the GPU.
            List<String> lostToIo = placement.unassigned().stream()
                    .filter(endpoint -> endpoint.hostDevice().isEmpty() && placement.rejectedForIo(endpoint))
                    .map(PciNode::id).toList();
            boolean onlyIo = lostToIo.size() == lostEmulated.size();
            String why = onlyIo ? ioSpaceFull(placement)
                    : FirmwarePrediction.describe(aperture) + " cannot hold the passed-through BARs beside them"
                            + (paddingsDropped.isEmpty() ? "" : ", even once OVMF drops the hot-plug padding of "
                                    + names(paddingsDropped))
                            + (lostToIo.isEmpty() ? "" : "; " + String.join(", ", lostToIo) + " go because "
                                    + ioSpaceFull(placement));
            String message = ovmf + " places every BAR of the passed-through devices (" + String.join(", ", hostdevs
                    .stream().map(hostdev -> hostdev.source().map(source -> "hostdev " + source.bdf()).orElse("hostdev"))
                    .toList()) + "), but to make room it leaves " + String.join(", ", lostEmulated)
                    + " without resources, so " + losses(lostEmulated) + ": " + why + ". "
                    + (onlyIo ? IO_REMEDY : remedy);
            XmlElement at = lostEmulated.size() == 1
                    ? declaredElement(context.domain(), lostEmulated.get(0)).orElse(devices(context.domain()))
                    : devices(context.domain());
            findings.add(finding(context, at, message, placement, release, onlyIo ? Optional.empty() : fix)
                    .severity(Severity.WARNING).build());
        }
        return findings;
    }

    /** What frees I/O space: OVMF before 2023.08 pads every hot-pluggable port with 512 bytes of it. */
    private static final String IO_REMEDY = "Each bridge that needs I/O ports takes 4 KiB of it: give fewer root"
            + " ports devices with I/O BARs, and with OVMF before 2023.08, which pads every hot-pluggable port with"
            + " I/O, remove unused root ports or set hotplug='off' on those that need no hot-plug.";

    /** "OVMF's PCI I/O space, 0x6000-0xffff (40 KiB), cannot hold the 56 KiB of I/O windows …". */
    private static String ioSpaceFull(Placement placement) {
        PciIoAperture io = placement.io().aperture();
        return "its PCI I/O space, " + Hex.of(io.base()) + "-" + Hex.of(io.end() - 1) + " ("
                + MemorySize.format(io.size()) + "), cannot hold the " + MemorySize.format(placement.io()
                .requiredBytes()) + " that the I/O BARs and the bridges' 4 KiB I/O windows need"
                + (placement.io().paddingDropped().isEmpty() ? "" : " even once it drops the hot-plug padding of "
                        + portNames(List.copyOf(placement.io().paddingDropped())));
    }

    /** The ports by name, or by count past three (a virt-manager domain has 14). */
    private static String portNames(List<PciNode> ports) {
        return ports.size() <= 3 ? names(ports) : ports.size() + " ports (" + ports.get(0).id() + " first)";
    }

    /**
     * What the guest does without each device; the ids are those {@code GuestPciTopology} gives, which end in the
     * kind of device.
     */
    private static String losses(List<String> lostEmulated) {
        List<String> losses = new ArrayList<>();
        for (String id : lostEmulated) {
            losses.add(id.endsWith("memballoon") ? "the guest has no memory balloon (the host cannot reclaim its"
                    + " memory, and its memory statistics are gone)"
                    : id.endsWith("USB controller") ? "nothing on the " + id + " (a USB tablet, keyboard or redirected"
                    + " device) works"
                    : "the guest's driver for the " + id + " cannot use it");
        }
        return String.join(", and ", losses);
    }

    /**
     * The {@code <devices>} child that declares an emulated device, when the domain declares exactly one of its kind
     * ({@code <memballoon>}, {@code <rng>}, {@code <shmem>}: the id's last word, or its first for a named device such
     * as "shmem looking-glass"); libvirt's own additions have none.
     */
    private static Optional<XmlElement> declaredElement(DomainDef domain, String id) {
        List<XmlElement> children = domain.devices().map(XmlElement::children).orElse(List.of());
        String lastWord = id.substring(id.lastIndexOf(' ') + 1);
        String firstWord = id.substring(0, id.indexOf(' ') + 1).strip();
        for (String kind : List.of(lastWord, firstWord)) {
            List<XmlElement> ofKind = children.stream()
                    .filter(child -> child.namespaceUri().isEmpty() && child.qualifiedName().equals(kind)).toList();
            if (ofKind.size() == 1) {
                return Optional.of(ofKind.get(0));
            }
        }
        return Optional.empty();
    }

    private static XmlElement devices(DomainDef domain) {
        return domain.devices().orElse(domain.root());
    }

    private Finding finding(LintContext context, Hostdev at, String message, Placement placement,
                            OvmfRelease release, Optional<Fix> fix) {
        return finding(context, at.element(), message, placement, release, fix).build();
    }

    private FindingBuilder finding(LintContext context, XmlElement at, String message, Placement placement,
                                   OvmfRelease release, Optional<Fix> fix) {
        FindingBuilder builder = OvmfEvidence.with(context.finding(this, at, message), release)
                .data("outcome", placement.outcome().name().toLowerCase(Locale.ROOT))
                .data("unassigned", placement.unassigned().stream().map(PciNode::id).toList())
                .data("windowBase", Hex.of(placement.aperture().base()))
                .data("windowSize", placement.aperture().size())
                .data("requiredBytes", placement.requiredBytes());
        fix.ifPresent(builder::fix);
        return builder;
    }

    /** The least change that fits: an X-PciMmio64Mb value, and phys-bits where the window must also move up. */
    private static String remedy(Optional<WindowAdvisor.Advice> advice, int physBits) {
        if (advice.isEmpty()) {
            return "No X-PciMmio64Mb value up to 16 TiB fits them within the phys-bits this host allows.";
        }
        StringBuilder text = new StringBuilder();
        if (advice.get().knobMib().isPresent()) {
            text.append("-fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=").append(advice.get().knobMib().getAsLong())
                    .append(" (").append(MemorySize.format(advice.get().knobMib().getAsLong() * MemorySize.MIB))
                    .append(") makes them fit");
            if (advice.get().physBits() != physBits) {
                text.append(", with at least ").append(advice.get().physBits()).append(" phys-bits (the vCPU has ")
                        .append(physBits).append(")");
            }
        } else {
            text.append(advice.get().physBits()).append(" phys-bits (the vCPU has ").append(physBits)
                    .append(") make OVMF's own window large enough");
        }
        return text.append('.').toString();
    }

    private static Optional<Fix> fix(LintContext context, Optional<WindowAdvisor.Advice> advice, int physBits) {
        if (advice.isEmpty() || advice.get().knobMib().isEmpty() || advice.get().physBits() != physBits) {
            return Optional.empty();
        }
        long mib = advice.get().knobMib().getAsLong();
        Optional<List<TextEdit>> edits = QemuCommandLineEdits.setPciMmio64Mb(context.domain(), mib);
        return edits.map(list -> Fix.safe("pass -fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=" + mib
                + " so OVMF's 64-bit window holds every BAR", list));
    }

    private static Hostdev largestHostdev(List<Hostdev> hostdevs, FirmwarePrediction prediction) {
        return hostdevs.stream()
                .max(Comparator.comparingLong(hostdev -> prediction.endpointOf(hostdev)
                        .map(endpoint -> endpoint.bars().stream().mapToLong(Bar::size).max().orElse(0))
                        .orElse(0L)))
                .orElseThrow();
    }

    /**
     * Why OVMF's rejections could not make room: what it may not reject still overflows (devices on the root bus, VGA
     * controllers anywhere), or it rejected everything it had.
     */
    private static String whyNothingIsLeftToReject(Placement placement, List<PciNode> rootBus) {
        List<String> kept = new ArrayList<>();
        for (PciNode node : rootBus) {
            if (node instanceof PciNode.Endpoint endpoint && has64BitBar(endpoint)) {
                kept.add(FirmwarePrediction.describe(endpoint) + " on the root bus");
            } else if (node instanceof PciNode.Bridge bridge) {
                vgaControllers(bridge.children(), kept);
            }
        }
        List<PciNode> forWindow = placement.rejected().stream().filter(node -> !placement.rejectedForIo(node)).toList();
        List<PciNode> forIo = placement.io().rejected();
        String rejected = (forWindow.isEmpty() ? "" : "after rejecting " + names(forWindow) + " ")
                + (forIo.isEmpty() ? "" : (forWindow.isEmpty() ? "after " : "and ") + ioRejections(forIo) + " ");
        if (kept.isEmpty()) {
            return rejected + "no 64-bit resource is left, which OVMF 2022.11 does not survive";
        }
        return rejected + "what is left does not fit either: " + String.join(", ", kept) + ", which OVMF never"
                + " rejects (it spares devices on the root bus, pcie.0, and VGA controllers)";
    }

    /** "dropping the hot-plug padding of pci.1, pci.2 for its I/O space" (and the devices it rejected there). */
    private static String ioRejections(List<PciNode> forIo) {
        List<PciNode> paddings = forIo.stream().filter(PciNode.Bridge.class::isInstance).toList();
        List<PciNode> devices = forIo.stream().filter(PciNode.Endpoint.class::isInstance).toList();
        List<String> steps = new ArrayList<>();
        if (!paddings.isEmpty()) {
            steps.add("dropping the hot-plug padding of " + portNames(paddings));
        }
        if (!devices.isEmpty()) {
            steps.add("rejecting " + names(devices));
        }
        return String.join(" and ", steps) + " for its I/O space";
    }

    private static void vgaControllers(List<PciNode> nodes, List<String> found) {
        for (PciNode node : nodes) {
            if (node instanceof PciNode.Endpoint endpoint && endpoint.vgaClass() && has64BitBar(endpoint)) {
                found.add(FirmwarePrediction.describe(endpoint) + ", a VGA controller");
            } else if (node instanceof PciNode.Bridge bridge) {
                vgaControllers(bridge.children(), found);
            }
        }
    }

    private static boolean has64BitBar(PciNode.Endpoint endpoint) {
        return endpoint.bars().stream().anyMatch(Bar::is64Bit);
    }

    private static String names(List<PciNode> nodes) {
        return String.join(", ", nodes.stream().map(PciNode::id).toList());
    }
}
