package dev.virtlint.rules.iommu;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.Iommu;
import dev.virtlint.host.HostFacts;
import dev.virtlint.platform.GuestPhysBits;
import dev.virtlint.platform.Platform;
import dev.virtlint.platform.Resolved;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.FindingBuilder;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.rules.firmware.QemuCommandLineEdits;
import dev.virtlint.xml.TextEdit;

@RuleInfo(id = "VL302", name = "viommu-aw-bits-guest-phys-bits-mismatch", severity = Severity.INFO,
        family = Family.IOMMU,
        summary = "The intel-iommu's address width differs from the guest's guest-phys-bits")
public final class ViommuAwBitsGuestPhysBitsMismatch implements Rule {
    /** libvirt added {@code aw_bits} in 6.5.0; QEMU the {@code guest-phys-bits} property in 9.1. */
    private static final int[] AW_BITS_SINCE = {6, 5};
    private static final int[] GUEST_PHYS_BITS_SINCE = {9, 1};

    @Override
    public List<Finding> check(LintContext context) {
        Optional<Iommu> iommu = IntelIommus.of(context.domain());
        if (context.domain().pciHostdevs().isEmpty() || iommu.isEmpty()) {
            return List.of();
        }
        Platform platform = context.platform();
        Resolved<Integer> awBits = IntelIommus.awBits(iommu.get(), platform);
        if (!awBits.isKnown()) {
            return List.of();
        }
        Resolved<Integer> guestBits = GuestPhysBits.effective(context.domain(), platform);
        if (!guestBits.isKnown()) {
            context.couldNotCheck(this, "the guest's address width: " + guestBits.source());
            return List.of();
        }
        int aw = awBits.value().get();
        int guest = guestBits.value().get();
        if (aw == guest) {
            return List.of();
        }
        FindingBuilder finding = context.finding(this, iommu.get().element(), "the intel-iommu's aw-bits are " + aw
                        + " (" + awBits.source() + ") but the guest's address width is " + guest + " ("
                        + guestBits.source() + "): " + (aw < guest
                                ? "what the guest places above 2^" + aw + " (RAM, a device BAR) cannot be mapped"
                                + " through the vIOMMU, which has been reported to break peer-to-peer DMA to such"
                                + " a BAR; no other failure is known"
                                : "no failure is known from a vIOMMU wider than the guest's addresses (real VT-d"
                                + " units often are); matching them only makes the two agree"))
                .data("awBits", aw)
                .data("guestPhysBits", guest);
        fix(context, iommu.get(), aw, guest).ifPresent(finding::fix);
        return List.of(finding.build());
    }

    /**
     * aw_bits set to the guest's width when intel-iommu accepts that value (39 or 48); otherwise both set to the
     * largest accepted value below it, guest-phys-bits through {@code -global <model>-x86_64-cpu.guest-phys-bits}.
     */
    private static Optional<Fix> fix(LintContext context, Iommu iommu, int aw, int guest) {
        Platform platform = context.platform();
        if (!platform.stack().libvirtAtLeast(AW_BITS_SINCE[0], AW_BITS_SINCE[1])) {
            return Optional.empty();
        }
        Optional<Integer> hostWidth = context.hostFacts().flatMap(HostFacts::iommuAddressWidth);
        if (IntelIommus.VALID_AW_BITS.contains(guest)) {
            TextEdit edit = IntelIommus.setDriverAttribute(context.domain(), iommu, "aw_bits", String.valueOf(guest));
            String description = "set <driver aw_bits='" + guest + "'/> to match the guest's address width";
            return Optional.of(hostWidth.map(width -> width >= guest).orElse(false)
                    ? Fix.safe(description, List.of(edit))
                    : Fix.unsafe(description + " (check that the host IOMMU translates " + guest + " bits)",
                            List.of(edit)));
        }
        Optional<Integer> common = IntelIommus.VALID_AW_BITS.stream().filter(bits -> bits < guest)
                .max(Integer::compare);
        Optional<String> model = platform.inputs().cpuModel();
        if (common.isEmpty() || model.isEmpty()
                || !platform.qemu().version().isAtLeast(GUEST_PHYS_BITS_SINCE[0], GUEST_PHYS_BITS_SINCE[1])) {
            return Optional.empty();
        }
        String global = model.get() + "-x86_64-cpu.guest-phys-bits";
        Optional<List<TextEdit>> cpuEdits = QemuCommandLineEdits.set(context.domain(), "-global",
                value -> value.startsWith(global + "="), global + "=" + common.get());
        if (cpuEdits.isEmpty()) {
            return Optional.empty();
        }
        List<TextEdit> edits = new ArrayList<>(cpuEdits.get());
        if (aw != common.get()) {
            edits.add(IntelIommus.setDriverAttribute(context.domain(), iommu, "aw_bits", String.valueOf(common.get())));
        }
        return Optional.of(Fix.unsafe("set the guest's guest-phys-bits" + (aw != common.get() ? " and the"
                + " intel-iommu's aw_bits" : "") + " to " + common.get() + " (changes what the guest, and OVMF 2024.08"
                + " and later, take as the address width)", edits));
    }
}
