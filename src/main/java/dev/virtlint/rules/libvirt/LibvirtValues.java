package dev.virtlint.rules.libvirt;

import java.util.BitSet;
import java.util.Optional;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.xml.XmlElement;

/** The few values libvirt's start-time checks read that the domain model does not type, read as libvirt reads them. */
final class LibvirtValues {
    private LibvirtValues() {
    }

    /** An unsigned decimal attribute; empty when absent or not a number (VL000's business, not these rules'). */
    static Optional<Long> unsigned(XmlElement element, String attribute) {
        return element.attributeValue(attribute).flatMap(LibvirtValues::parseUnsigned);
    }

    /** The maximum vCPU count: the text of {@code <vcpu>}, 1 when it is absent, as libvirt defaults it. */
    static Optional<Long> maximumVcpus(DomainDef domain) {
        Optional<XmlElement> vcpu = domain.root().child("vcpu");
        return vcpu.isEmpty() ? Optional.of(1L) : parseUnsigned(vcpu.get().text().strip());
    }

    /**
     * A libvirt node set ({@code 0-3,^2,5}); empty when it is not one, so that a rule says nothing about a set it
     * cannot read.
     */
    static Optional<BitSet> nodeSet(String text) {
        BitSet set = new BitSet();
        for (String part : text.split(",")) {
            String item = part.strip();
            boolean exclude = item.startsWith("^");
            String range = exclude ? item.substring(1) : item;
            int dash = range.indexOf('-');
            Optional<Long> from = parseUnsigned(dash < 0 ? range : range.substring(0, dash));
            Optional<Long> to = dash < 0 ? from : parseUnsigned(range.substring(dash + 1));
            if (from.isEmpty() || to.isEmpty() || from.get() > to.get() || to.get() > Short.MAX_VALUE) {
                return Optional.empty();
            }
            if (exclude) {
                set.clear(from.get().intValue(), to.get().intValue() + 1);
            } else {
                set.set(from.get().intValue(), to.get().intValue() + 1);
            }
        }
        return Optional.of(set);
    }

    private static Optional<Long> parseUnsigned(String text) {
        String trimmed = text.strip();
        if (trimmed.isEmpty() || trimmed.length() > 18 || !trimmed.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(trimmed));
    }
}
