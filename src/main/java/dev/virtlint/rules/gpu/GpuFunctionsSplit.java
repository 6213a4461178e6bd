package dev.virtlint.rules.gpu;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.GuestPciAddress;
import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.PciAddress;
import dev.virtlint.host.HostFacts;
import dev.virtlint.host.PciDevice;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.NotChecked;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.xml.Edits;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.TextEdit;
import dev.virtlint.xml.XmlElement;

@RuleInfo(id = "VL403", name = "gpu-functions-split", severity = Severity.WARNING, family = Family.GPU,
        summary = "A GPU's other functions (HDMI audio, USB-C) are left on the host or split across guest slots")
public final class GpuFunctionsSplit implements Rule {

    @Override
    public List<Finding> check(LintContext context) {
        // Optimus laptops: passing the dGPU's audio function can itself cause Code 43, so no advice to add it.
        Optional<Boolean> laptop = context.hostFacts().flatMap(HostFacts::laptop);
        if (laptop.orElseGet(() -> LaptopDgpu.hasLaptopWorkarounds(context.domain()))) {
            return List.of();
        }
        List<Finding> findings = new ArrayList<>();
        List<Gpus.Gpu> gpus = Gpus.assigned(context);
        for (Gpus.Gpu gpu : gpus) {
            missingFunctions(context, gpu).ifPresent(findings::add);
        }
        if (!gpus.isEmpty() && !Gpus.hostListsPciDevices(context)) {
            context.couldNotCheck(this, "the host's IOMMU groups and which functions each GPU has",
                    NotChecked.HOST_PCI_DEVICES);
        }
        for (Gpus.Gpu gpu : gpus) {
            if (gpu.source().function() == 0) {
                findings.addAll(splitFunctions(context, gpu));
            }
        }
        return findings;
    }

    /** Functions of the GPU's host slot, and members of its IOMMU group, that no hostdev assigns. */
    private Optional<Finding> missingFunctions(LintContext context, Gpus.Gpu gpu) {
        if (gpu.hostDevice().isEmpty() || context.hostFacts().isEmpty()) {
            return Optional.empty();
        }
        HostFacts facts = context.hostFacts().get();
        PciAddress source = gpu.source();
        Set<PciAddress> assigned = new LinkedHashSet<>();
        context.domain().pciHostdevs().forEach(h -> h.source().ifPresent(assigned::add));
        List<PciAddress> groupPeers = facts.iommuGroupPeers(source).orElse(List.of());
        Set<PciAddress> candidates = new LinkedHashSet<>();
        facts.pciDevices().orElse(List.of()).stream().map(PciDevice::address)
                .filter(a -> a.sameSlot(source) && !a.equals(source))
                .forEach(candidates::add);
        candidates.addAll(groupPeers);
        List<String> reasons = new ArrayList<>();
        List<PciAddress> sameSlotMissing = new ArrayList<>();
        boolean otherSlotMissing = false;
        for (PciAddress peer : candidates) {
            Optional<PciDevice> device = facts.pciDevice(peer);
            // Bridges may stay with their host driver: VFIO does not need them to let the group go.
            if (assigned.contains(peer) || device.map(GpuFunctionsSplit::isBridge).orElse(false)) {
                continue;
            }
            String what = peer.bdf() + device.flatMap(PciDevice::classCode).map(c -> " (" + Gpus.describeClass(c) + ")")
                    .orElse("");
            if (groupPeers.contains(peer)) {
                int group = gpu.hostDevice().get().iommuGroup().orElseThrow();
                reasons.add(what + " is in the GPU's IOMMU group " + group + ": VFIO hands a guest whole groups, so"
                        + " unless it is bound to vfio-pci on the host QEMU fails with \"vfio " + source.bdf()
                        + ": group " + group + " is not viable\"");
            } else {
                reasons.add(what + " is function " + peer.function() + " of the GPU: the guest gets the GPU without it");
            }
            if (peer.sameSlot(source)) {
                sameSlotMissing.add(peer);
            } else {
                otherSlotMissing = true;
            }
        }
        if (reasons.isEmpty()) {
            return Optional.empty();
        }
        String message = "the GPU " + source.bdf() + " is assigned without the rest of its device: "
                + String.join("; ", reasons) + ". Assign them to the guest as well, on the GPU's guest slot";
        return Optional.of(context.finding(this, gpu.hostdev().element(), message)
                .data("gpu", source.bdf())
                .data("missing", reasons.size())
                .fix(otherSlotMissing ? null : addFunctions(context, gpu, sameSlotMissing).orElse(null))
                .build());
    }

    private static boolean isBridge(PciDevice device) {
        return device.classCode().map(code -> code >> 16 == 0x06).orElse(false);
    }

    /** Hostdevs for the missing functions, at the GPU's guest slot with the host's function numbers. */
    private static Optional<Fix> addFunctions(LintContext context, Gpus.Gpu gpu, List<PciAddress> functions) {
        Optional<GuestPciAddress> guest = gpu.hostdev().guestAddress();
        if (guest.isEmpty() || guest.get().address().function() != 0) {
            return Optional.empty();
        }
        DomainDef domain = context.domain();
        for (PciAddress function : functions) {
            if (occupied(domain, guest.get().address(), function.function(), null)) {
                return Optional.empty();
            }
        }
        char q = Edits.quoteOf(domain.document());
        List<String> blocks = new ArrayList<>();
        String managed = gpu.hostdev().managed().map(m -> " managed=" + q + m + q).orElse("");
        for (PciAddress function : functions) {
            blocks.add("<hostdev mode=" + q + "subsystem" + q + " type=" + q + "pci" + q + managed + ">\n"
                    + "\t<source>\n"
                    + "\t\t<address domain=" + q + hex(function.domain(), 4) + q + " bus=" + q + hex(function.bus(), 2) + q
                    + " slot=" + q + hex(function.slot(), 2) + q + " function=" + q + "0x" + function.function() + q + "/>\n"
                    + "\t</source>\n"
                    + "\t" + guestAddressXml(guest.get(), function.function(), q) + "\n"
                    + "</hostdev>");
        }
        List<TextEdit> edits = new ArrayList<>();
        SourceText source = domain.document().source();
        edits.add(Edits.insertAfter(source, gpu.hostdev().element(), String.join("\n", blocks)));
        if (!guest.get().multifunction()) {
            edits.add(Edits.setAttribute(domain.document(), guest.get().element(), "multifunction", "on"));
        }
        return Optional.of(Fix.unsafe("assign " + functions.stream().map(PciAddress::bdf).toList()
                + " at the GPU's guest slot", edits));
    }

    /** Other functions of the GPU's host device that are assigned but not where the host has them. */
    private List<Finding> splitFunctions(LintContext context, Gpus.Gpu gpu) {
        List<Finding> findings = new ArrayList<>();
        Optional<GuestPciAddress> primaryGuest = gpu.hostdev().guestAddress();
        for (Hostdev other : context.domain().pciHostdevs()) {
            Optional<PciAddress> otherSource = other.source();
            if (otherSource.isEmpty() || !otherSource.get().sameSlot(gpu.source()) || otherSource.get().function() == 0) {
                continue;
            }
            Optional<GuestPciAddress> otherGuest = other.guestAddress();
            boolean sameGuestSlot = primaryGuest.isPresent() && otherGuest.isPresent()
                    && otherGuest.get().address().sameSlot(primaryGuest.get().address());
            boolean mirrored = sameGuestSlot && primaryGuest.get().address().function() == 0
                    && primaryGuest.get().multifunction()
                    && otherGuest.get().address().function() == otherSource.get().function();
            if (mirrored) {
                continue;
            }
            int function = otherSource.get().function();
            String where = otherGuest.map(g -> "goes to guest slot " + Gpus.slotOf(g.address()) + " function "
                    + g.address().function()).orElse("has no guest address, so libvirt gives it a slot of its own");
            String instead = primaryGuest.map(g -> "instead of function " + function + " of the GPU's guest slot "
                    + Gpus.slotOf(g.address()) + (g.multifunction() ? "" : " (which also needs multifunction='on')"))
                    .orElse("apart from the GPU");
            String message = "function " + function + " of the GPU's host device (" + otherSource.get().bdf() + ") "
                    + where + ", " + instead + ": the guest sees separate devices on separate slots where the host"
                    + " has one multi-function device. This is virt-manager's layout and no failure is known to come"
                    + " from it; mirroring the host keeps the guest's view of the card the same as bare metal's. GPU"
                    + " recognised because " + gpu.evidence();
            // Information, not a warning: unlike a function left behind, a split has no known failure behind it.
            findings.add(context.finding(this, other.element(), message)
                    .severity(Severity.INFO)
                    .data("gpu", gpu.source().bdf())
                    .data("function", otherSource.get().bdf())
                    .fix(mirror(context, gpu, other).orElse(null))
                    .build());
        }
        return findings;
    }

    /** Moves the function to the GPU's guest slot with the host's function number, and marks the slot multifunction. */
    private static Optional<Fix> mirror(LintContext context, Gpus.Gpu gpu, Hostdev other) {
        Optional<GuestPciAddress> primary = gpu.hostdev().guestAddress();
        if (primary.isEmpty() || primary.get().address().function() != 0) {
            return Optional.empty();
        }
        DomainDef domain = context.domain();
        int function = other.source().orElseThrow().function();
        if (occupied(domain, primary.get().address(), function, other.element())) {
            return Optional.empty();
        }
        char q = Edits.quoteOf(domain.document());
        List<TextEdit> edits = new ArrayList<>();
        String address = guestAddressXml(primary.get(), function, q);
        edits.add(other.guestAddress().isPresent()
                ? TextEdit.replace(other.guestAddress().get().element().span(), address)
                : Edits.appendChild(domain.document().source(), other.element(), address));
        if (!primary.get().multifunction()) {
            edits.add(Edits.setAttribute(domain.document(), primary.get().element(), "multifunction", "on"));
        }
        return Optional.of(Fix.unsafe("move " + other.source().get().bdf() + " to function " + function
                + " of the GPU's guest slot", edits));
    }

    private static String guestAddressXml(GuestPciAddress primary, int function, char q) {
        XmlElement address = primary.element();
        return "<address type=" + q + "pci" + q + " domain=" + q + address.attributeValue("domain").orElse("0x0000") + q
                + " bus=" + q + address.attributeValue("bus").orElse("0x00") + q + " slot=" + q
                + address.attributeValue("slot").orElse("0x00") + q + " function=" + q + "0x" + function + q + "/>";
    }

    /** Whether some device other than {@code except} already has that guest function. */
    private static boolean occupied(DomainDef domain, PciAddress slot, int function, XmlElement except) {
        return GuestSlots.deviceAt(domain, slot.domain(), slot.bus(), slot.slot(), function, except).isPresent();
    }

    private static String hex(int value, int digits) {
        return String.format(Locale.ROOT, "0x%0" + digits + "x", value);
    }
}
