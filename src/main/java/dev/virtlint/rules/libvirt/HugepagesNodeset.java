package dev.virtlint.rules.libvirt;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.Cpu;
import dev.virtlint.domain.InvalidValueException;
import dev.virtlint.domain.MemorySize;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.xml.XmlElement;

@RuleInfo(id = "VL705", name = "hugepages-nodeset", severity = Severity.ERROR, family = Family.LIBVIRT,
        summary = "<hugepages> pages for guest NUMA nodes that do not exist, overlapping, or two without a nodeset:"
                + " libvirt refuses the domain")
public final class HugepagesNodeset implements Rule {
    /** libvirt's texts, from virDomainDefMemtuneValidate in src/conf/domain_validate.c (sizes in KiB). */
    static final String NODE_NOT_FOUND = "hugepages: node %d not found";
    static final String OVERLAP = "nodeset attribute of hugepages of sizes %s and %s intersect";
    static final String TWO_MASTERS = "two master hugepages detected: %s and %s";

    private record Page(XmlElement element, Optional<BitSet> nodes, String size) {
    }

    @Override
    public List<Finding> check(LintContext context) {
        List<XmlElement> pageElements = context.domain().root().child("memoryBacking", "hugepages")
                .map(hugepages -> hugepages.children("page")).orElse(List.of());
        int guestNodes = context.domain().cpu().map(Cpu::numaCells).map(List::size).orElse(0);
        List<Page> pages = new ArrayList<>();
        for (XmlElement element : pageElements) {
            Optional<String> nodeset = element.attributeValue("nodeset");
            Optional<BitSet> nodes = nodeset.flatMap(LibvirtValues::nodeSet);
            if (nodeset.isPresent() && nodes.isEmpty()) {
                return List.of(); // a node set libvirt's parser would refuse first
            }
            // Without guest NUMA, libvirt's virDomainDefPostParseMemtune reads nodeset='0' as no nodeset at all.
            if (guestNodes == 0 && nodes.isPresent() && nodes.get().nextSetBit(1) < 0) {
                nodes = Optional.empty();
            }
            pages.add(new Page(element, nodes, sizeInKib(element)));
        }
        // libvirt stops at the first problem, page by page, in document order: report that one.
        for (int i = 0; i < pages.size(); i++) {
            Page page = pages.get(i);
            for (int j = 0; j < i; j++) {
                Page earlier = pages.get(j);
                if (page.nodes().isPresent() && earlier.nodes().isPresent()
                        && page.nodes().get().intersects(earlier.nodes().get())) {
                    return List.of(finding(context, page, OVERLAP.formatted(page.size(), earlier.size()),
                            "two <page> sizes claim the same guest NUMA node; give each node one size"));
                }
                if (page.nodes().isEmpty() && earlier.nodes().isEmpty()) {
                    return List.of(finding(context, page, TWO_MASTERS.formatted(page.size(), earlier.size()),
                            "only one <page> may go without a nodeset (it backs the nodes no other page names); give"
                                    + " this one a nodeset or remove it"));
                }
            }
            if (page.nodes().isPresent()) {
                // libvirt names the lowest node past the guest's last one.
                int missing = page.nodes().get().nextSetBit(guestNodes);
                if (missing >= 0) {
                    String defined = guestNodes == 0 ? "the guest has no <numa> cells" : "the guest's <numa> cells are"
                            + " 0" + (guestNodes > 1 ? "–" + (guestNodes - 1) : "");
                    return List.of(finding(context, page, NODE_NOT_FOUND.formatted(missing), "nodeset names guest"
                            + " NUMA nodes, not host ones, and " + defined + "; drop the nodeset to back all guest"
                            + " memory with this size, or pin guest memory to host nodes with <numatune>"));
                }
            }
        }
        return List.of();
    }

    private Finding finding(LintContext context, Page page, String libvirtMessage, String advice) {
        return context.finding(this, page.element(), "libvirt refuses the domain (at define, and at start for one"
                + " defined before): \"" + libvirtMessage + "\". " + Character.toUpperCase(advice.charAt(0))
                + advice.substring(1)).build();
    }

    /** The page size in KiB as libvirt prints it, or as written when it does not parse. */
    private static String sizeInKib(XmlElement page) {
        String size = page.attributeValue("size").orElse("");
        try {
            return Long.toString(MemorySize.parse(size, page.attributeValue("unit").orElse("KiB"), "KiB").bytes()
                    / MemorySize.KIB);
        } catch (InvalidValueException notANumber) {
            return size;
        }
    }
}
