package dev.virtlint.rules;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a file's rules could not check because the run lacks a fact (usually host facts), so that the
 * linter can say so instead of guessing or staying silently incomplete.
 */
public final class NotChecked {
    /** Where a host root keeps the facts rules most often lack, as the host reader reads them. */
    public static final String HOST_PCI_DEVICES = "sys/bus/pci/devices";
    public static final String HOST_POWER_SUPPLIES = "sys/class/power_supply";
    public static final String HOST_IOMMU_UNITS = "sys/class/iommu";

    private final Map<String, Set<String>> rulesByMissingFact = new LinkedHashMap<>();
    private final Map<String, String> hostPathByMissingFact = new LinkedHashMap<>();
    private final Set<String> notFromHost = new TreeSet<>();

    public void add(RuleMeta rule, String missingFact) {
        rulesByMissingFact.computeIfAbsent(missingFact, fact -> new TreeSet<>()).add(rule.id());
    }

    /**
     * As {@link #add(RuleMeta, String)}, for a fact a host root holds at {@code hostPath} (relative to the root),
     * so that a run given a host root that lacks it can name what is missing.
     */
    public void add(RuleMeta rule, String missingFact, String hostPath) {
        add(rule, missingFact);
        hostPathByMissingFact.put(missingFact, hostPath);
    }

    /**
     * As {@link #add(RuleMeta, String)}, for a fact no host facts supply (libvirt's schemas on the machine that runs
     * virt-lint), so that the advice to give a host root is not made for it.
     */
    public void addNotFromHost(RuleMeta rule, String missingFact) {
        add(rule, missingFact);
        notFromHost.add(missingFact);
    }

    /** Whether host facts would supply {@code missingFact}. */
    public boolean isHostFact(String missingFact) {
        return !notFromHost.contains(missingFact);
    }

    public boolean isEmpty() {
        return rulesByMissingFact.isEmpty();
    }

    /** Missing fact → the IDs of the rules that needed it, in the order the facts were first missed. */
    public Map<String, Set<String>> byMissingFact() {
        return rulesByMissingFact;
    }

    /** Where a host root would hold {@code missingFact}, when a rule said so. */
    public Optional<String> hostPath(String missingFact) {
        return Optional.ofNullable(hostPathByMissingFact.get(missingFact));
    }
}
