package dev.virtlint.lint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.virtlint.platform.HostCpu;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.Severity;
import dev.virtlint.xml.Span;

/**
 * Merges the findings of one domain checked on every host of a {@link HostRange} into the verdicts a user can act
 * on without knowing the host:
 * <ul>
 * <li>the same finding on every host (message, data and fix alike) is the host-independent finding it was;</li>
 * <li>a finding on every host that differs between them keeps the rule's severity and says so: "On any host
 * (AMD or Intel): …", or per vendor where what goes wrong differs;</li>
 * <li>a finding on some hosts is at most a warning that names them ("On an AMD host: …"), with the condition in
 * {@code data.failsOn} and the fact that would settle it in {@code data.settledBy}; information when only hosts
 * narrower than {@link HostRange#COMMON_NARROWEST} bits have it;</li>
 * <li>nothing on any host is nothing.</li>
 * </ul>
 * A finding on every host keeps a fix, safe only when every host has that same safe fix. A finding on some hosts
 * has none: a fix for those hosts can be wrong on the others (a narrower 64-bit window that keeps OVMF out of AMD's
 * HyperTransport hole on one host leaves a GPU's BAR unassigned on another), and fixes that pull in different
 * directions would never converge; with host facts the single-host fix is offered.
 */
final class ScenarioVerdicts {
    /** The findings of one host of the range. */
    record Run(HostCpu host, List<Finding> findings) {
    }

    private record Key(String ruleId, Span span) {
    }

    private ScenarioVerdicts() {
    }

    static List<Finding> combine(HostRange.Dimensions dimensions, List<Run> runs) {
        Map<Key, Map<HostCpu, Finding>> byKey = new LinkedHashMap<>();
        for (Run run : runs) {
            for (Finding finding : run.findings()) {
                byKey.computeIfAbsent(new Key(finding.rule().id(), finding.span()), key -> new LinkedHashMap<>())
                        .putIfAbsent(run.host(), finding);
            }
        }
        List<Finding> verdicts = new ArrayList<>();
        for (Map<HostCpu, Finding> onHosts : byKey.values()) {
            verdicts.add(verdict(dimensions, onHosts, onHosts.size() == runs.size()));
        }
        return verdicts;
    }

    private static Finding verdict(HostRange.Dimensions dimensions, Map<HostCpu, Finding> onHosts, boolean everyHost) {
        Finding first = onHosts.values().iterator().next();
        if (everyHost && onHosts.values().stream().allMatch(f -> sameOutcome(f, first))) {
            return first;
        }
        // One representative per vendor: the widest host that still has the finding, the one a reader most
        // likely has in mind when the verdict is "hosts with fewer than N bits".
        Map<Optional<String>, List<HostCpu>> byVendor = new LinkedHashMap<>();
        onHosts.keySet().forEach(host -> byVendor.computeIfAbsent(host.vendorId(), v -> new ArrayList<>()).add(host));
        List<String> parts = new ArrayList<>();
        boolean oneMessage = byVendor.values().stream().map(hosts -> onHosts.get(last(hosts)).message()).distinct()
                .count() == 1;
        List<List<HostCpu>> groups = oneMessage ? List.of(List.copyOf(onHosts.keySet())) : List.copyOf(byVendor.values());
        for (List<HostCpu> hosts : groups) {
            HostCpu representative = last(hosts);
            String condition = new HostCondition(dimensions, hosts).describe();
            if (condition.equals("any host")) {
                condition += " (" + HostCondition.rangeText(dimensions, hosts) + ")";
            }
            boolean variesByWidth = hosts.stream().map(host -> onHosts.get(host).message()).distinct().count() > 1;
            if (variesByWidth && representative.physBits().isPresent()) {
                condition += ", for example one with " + representative.physBits().getAsInt();
            }
            parts.add("On " + condition + ": " + stripPeriod(onHosts.get(representative).message()));
        }
        Finding representative = onHosts.get(last(byVendor.values().iterator().next()));
        Map<String, Object> data = new LinkedHashMap<>(representative.data());
        HostCondition failing = new HostCondition(dimensions, onHosts.keySet());
        if (everyHost) {
            data.put("failsOnEveryHost", true);
        } else {
            data.put("failsOn", failing.toData());
            data.put("settledBy", failing.settledBy());
        }
        data.put("hostRange", HostCondition.rangeData(dimensions));
        boolean fixable = onHosts.values().stream().anyMatch(f -> f.fix().isPresent());
        String message = String.join(". ", parts) + (everyHost ? "" : ". This run has no host facts to tell whether"
                + " the host is one of them (" + failing.settledBy() + "): give --host-root DIR, a host captured"
                + " with 'virt-lint host-facts --snapshot', or " + failing.options()
                + (fixable ? ", for the verdict and a fix for that host" : ""));
        boolean legacyHostsOnly = onHosts.keySet().stream()
                .allMatch(host -> host.physBits().isPresent() && host.physBits().getAsInt() < HostRange.COMMON_NARROWEST);
        Severity severity = everyHost || representative.severity() == Severity.INFO ? representative.severity()
                : legacyHostsOnly ? Severity.INFO : Severity.WARNING;
        if (!everyHost && legacyHostsOnly) {
            message += ". Only CPUs narrower than " + HostRange.COMMON_NARROWEST + " bits are affected (Intel client"
                    + " CPUs before Haswell, 2013), so this is information, not a warning";
        }
        return new Finding(representative.rule(), severity, representative.source(), representative.span(), message,
                data, everyHost ? mergedFix(dimensions, onHosts, representative.fix()) : Optional.empty());
    }

    /**
     * For a finding on every host: the representative's fix, unsafe unless every host has that same safe fix.
     * Where the fix differs between hosts, the fixer's re-lint finds what is left on the others and converges on
     * a fix for all of them.
     */
    private static Optional<Fix> mergedFix(HostRange.Dimensions dimensions, Map<HostCpu, Finding> onHosts,
                                           Optional<Fix> representativeFix) {
        List<Optional<Fix>> fixes = onHosts.values().stream().map(Finding::fix).toList();
        Optional<Fix> chosen = representativeFix.or(() -> fixes.stream().flatMap(Optional::stream).findFirst());
        if (chosen.isEmpty()) {
            return Optional.empty();
        }
        Fix fix = chosen.get();
        boolean sameEverywhere = fixes.stream().allMatch(f -> f.isPresent() && f.get().edits().equals(fix.edits()));
        boolean safeEverywhere = fixes.stream().allMatch(f -> f.map(x -> x.safety() == Fix.Safety.SAFE).orElse(false));
        if (sameEverywhere && safeEverywhere) {
            return chosen;
        }
        String why = !sameEverywhere ? "the right fix depends on " + HostCondition.facts(dimensions)
                : "it is not safe on every host";
        String description = fix.safety() == Fix.Safety.UNSAFE ? fix.description() + "; and " + why
                : fix.description() + " (unsafe without host facts: " + why + ")";
        return Optional.of(Fix.unsafe(description, fix.edits()));
    }

    /** Whether two findings say and offer the same. */
    static boolean sameOutcome(Finding a, Finding b) {
        return a.severity() == b.severity() && a.message().equals(b.message()) && a.data().equals(b.data())
                && Objects.equals(a.fix(), b.fix());
    }

    private static HostCpu last(List<HostCpu> hosts) {
        return hosts.get(hosts.size() - 1);
    }

    static String stripPeriod(String message) {
        return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
    }
}
