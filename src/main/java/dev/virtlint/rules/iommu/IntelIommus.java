package dev.virtlint.rules.iommu;

import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.Iommu;
import dev.virtlint.platform.MachineType;
import dev.virtlint.platform.Platform;
import dev.virtlint.platform.Resolved;
import dev.virtlint.xml.Edits;
import dev.virtlint.xml.TextEdit;

/** The domain's intel-iommu, its effective aw-bits, and edits on its {@code <driver>}. */
final class IntelIommus {
    /** The aw-bits values intel-iommu accepts (48 needs nothing more since QEMU 10.0). */
    static final List<Integer> VALID_AW_BITS = List.of(39, 48);

    private IntelIommus() {
    }

    static Optional<Iommu> of(DomainDef domain) {
        return domain.iommus().stream().filter(iommu -> iommu.model().equals("intel")).findFirst();
    }

    /** {@code <driver aw_bits>}, else the default of the machine type on the target QEMU (qemu-address-space.md §4.1). */
    static Resolved<Integer> awBits(Iommu iommu, Platform platform) {
        if (iommu.awBits().isPresent()) {
            return Resolved.of(iommu.awBits().get(), "<driver aw_bits='" + iommu.awBits().get() + "'/>");
        }
        Optional<MachineType> machine = platform.machine();
        if (machine.isEmpty()) {
            return Resolved.unknown("the machine type is unknown");
        }
        var byDefault = machine.get().intelIommuDefaultAwBits(platform.qemu().version());
        return byDefault.isPresent()
                ? Resolved.of(byDefault.getAsInt(), "QEMU " + platform.qemu().version() + "'s default on "
                        + machine.get().concreteName())
                : Resolved.unknown("the intel-iommu aw-bits default of " + machine.get().concreteName()
                        + " is not known");
    }

    /** Sets an attribute of {@code <driver>}, adding the element as the first child of {@code <iommu>} when missing. */
    static TextEdit setDriverAttribute(DomainDef domain, Iommu iommu, String name, String value) {
        if (iommu.driverElement().isPresent()) {
            return Edits.setAttribute(domain.document(), iommu.driverElement().get(), name, value);
        }
        char quote = Edits.quoteOf(domain.document());
        return Edits.insertChild(domain.document().source(), iommu.element(),
                "<driver " + name + "=" + quote + Edits.escapeAttribute(value, quote) + quote + "/>", List.of());
    }
}
