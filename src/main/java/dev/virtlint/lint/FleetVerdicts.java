package dev.virtlint.lint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;
import dev.virtlint.xml.Span;

/**
 * Merges the findings of one domain checked on each host of a fleet (the captured hosts a configuration's
 * {@code hosts:} lists) into what an operator asks before placing or migrating the guest: where does it fail?
 * <ul>
 * <li>the same finding on every host is the finding it was;</li>
 * <li>a finding on some hosts, or one that differs between them, names them: "On hv02: QEMU … will refuse to start
 * …", at the most severe of its severities there (these are real hosts, not hypothetical ones), with the hosts in
 * {@code data.hosts} and, where it holds only on some, {@code data.failsOn = {"hosts": [...]}};</li>
 * <li>nothing on any host is nothing.</li>
 * </ul>
 * A fix survives only where every host has the same one, and stays safe only where it is safe on each: a fix for one
 * host (a narrower window, fewer address bits) can be what breaks the guest on another. Linting with
 * {@code --host-root} of one host gives that host's fix.
 */
final class FleetVerdicts {
    /** The findings on one named host. */
    record Run(String host, List<Finding> findings) {
    }

    private record Key(String ruleId, Span span) {
    }

    private FleetVerdicts() {
    }

    static List<Finding> combine(List<Run> runs) {
        Map<Key, Map<String, Finding>> byKey = new LinkedHashMap<>();
        for (Run run : runs) {
            for (Finding finding : run.findings()) {
                byKey.computeIfAbsent(new Key(finding.rule().id(), finding.span()), key -> new LinkedHashMap<>())
                        .putIfAbsent(run.host(), finding);
            }
        }
        List<Finding> verdicts = new ArrayList<>();
        for (Map<String, Finding> onHosts : byKey.values()) {
            verdicts.add(verdict(onHosts, onHosts.size() == runs.size()));
        }
        return verdicts;
    }

    private static Finding verdict(Map<String, Finding> onHosts, boolean everyHost) {
        Finding first = onHosts.values().iterator().next();
        if (everyHost && onHosts.values().stream().allMatch(f -> ScenarioVerdicts.sameOutcome(f, first))) {
            return first;
        }
        // Hosts with the same message are named together: "On hv01 and hv03: …. On hv02: …".
        Map<String, List<String>> hostsByMessage = new LinkedHashMap<>();
        onHosts.forEach((host, finding) -> hostsByMessage.computeIfAbsent(ScenarioVerdicts.stripPeriod(finding.message()),
                message -> new ArrayList<>()).add(host));
        List<String> parts = new ArrayList<>();
        hostsByMessage.forEach((message, hosts) -> parts.add("On " + names(hosts) + ": " + message));
        Finding worst = onHosts.values().stream()
                .min((a, b) -> Integer.compare(a.severity().ordinal(), b.severity().ordinal())).orElseThrow();
        Map<String, Object> data = new LinkedHashMap<>(worst.data());
        List<String> hosts = List.copyOf(onHosts.keySet());
        data.put("hosts", hosts);
        if (!everyHost) {
            data.put("failsOn", Map.of("hosts", hosts));
        }
        Optional<Fix> fix = everyHost ? commonFix(onHosts) : Optional.empty();
        String message = String.join(". ", parts);
        if (!everyHost && onHosts.values().stream().anyMatch(f -> f.fix().isPresent())) {
            message += ". No fix for the whole fleet: lint with --host-root of one of these hosts for its fix";
        }
        return new Finding(worst.rule(), worst.severity(), worst.source(), worst.span(), message, data, fix);
    }

    /** The fix every host has, unsafe unless it is safe on each. */
    private static Optional<Fix> commonFix(Map<String, Finding> onHosts) {
        List<Optional<Fix>> fixes = onHosts.values().stream().map(Finding::fix).toList();
        Optional<Fix> first = fixes.get(0);
        if (first.isEmpty() || !fixes.stream().allMatch(f -> f.isPresent()
                && f.get().edits().equals(first.get().edits()))) {
            return Optional.empty();
        }
        boolean safeEverywhere = fixes.stream().allMatch(f -> f.get().safety() == Fix.Safety.SAFE);
        return safeEverywhere ? first : Optional.of(Fix.unsafe(first.get().description()
                + " (unsafe: not safe on every host of the fleet)", first.get().edits()));
    }

    /** "hv01", "hv01 and hv02", "hv01, hv02 and hv03". */
    private static String names(List<String> hosts) {
        if (hosts.size() == 1) {
            return hosts.get(0);
        }
        return String.join(", ", hosts.subList(0, hosts.size() - 1)) + " and " + hosts.get(hosts.size() - 1);
    }
}
