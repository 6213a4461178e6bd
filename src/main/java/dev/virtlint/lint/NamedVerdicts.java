package dev.virtlint.lint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.virtlint.firmware.OvmfReleaseSpan;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.Severity;
import dev.virtlint.rules.firmware.OvmfEvidence;
import dev.virtlint.xml.Span;

/**
 * Merges the findings of one domain checked in each of a few named settings into verdicts that name the settings
 * a finding holds in:
 * <ul>
 * <li>{@link Kind#FLEET}: each host of a fleet (the captured hosts a configuration's {@code hosts:} lists), the
 * question an operator asks before placing or migrating a guest. A finding on some hosts keeps the rule's severity:
 * these are real hosts, so a failure there is real;</li>
 * <li>{@link Kind#OVMF_RELEASES}: each span of {@link dev.virtlint.firmware.OvmfReleaseSpan#WHEN_UNNAMED}, where
 * the run does not know which one the
 * host has. A finding under some releases is at most a warning, like a finding on some hosts of a
 * {@link HostRange}, and says which fact settles it.</li>
 * </ul>
 * The same finding in every setting is the finding it was; one that differs between them names each ("On hv01 and
 * hv03: …. On hv02: …"), with the settings in {@code data} and, where it holds only in some, {@code data.failsOn}.
 * A fix survives only where every setting has the same one, and stays safe only where it is safe in each: a fix for
 * one host or release (a narrower window, fewer address bits) can be what breaks the guest on another.
 */
final class NamedVerdicts {
    /** What the settings are, and how a finding in some of them is said. */
    enum Kind {
        FLEET("On ", "hosts", "lint with --host-root of one of these hosts for its fix", Optional.empty()),
        OVMF_RELEASES("With OVMF ", "ovmfReleases", "give the release with --ovmf-version (or 'ovmf-version' in"
                + " .virt-lint.yaml, or --host-root) for its fix", Optional.of("This run does not know the host's OVMF"
                + " release: give --ovmf-version, 'ovmf-version' in .virt-lint.yaml, or --host-root"));

        /** "hv01, hv02 and hv03"; OVMF's spans as the releases they hold together ("2024.08+"). */
        String names(List<String> settings) {
            return this == OVMF_RELEASES ? OvmfReleaseSpan.describe(OvmfReleaseSpan.byLabels(settings))
                    : NamedVerdicts.names(settings);
        }

        final String prefix;
        final String dataKey;
        final String howToFix;
        /** Said after a finding in some settings where the run could have known which one applies. */
        final Optional<String> whatWouldSettleIt;

        Kind(String prefix, String dataKey, String howToFix, Optional<String> whatWouldSettleIt) {
            this.prefix = prefix;
            this.dataKey = dataKey;
            this.howToFix = howToFix;
            this.whatWouldSettleIt = whatWouldSettleIt;
        }
    }

    /** The findings in one named setting. */
    record Run(String name, List<Finding> findings) {
    }

    private record Key(String ruleId, Span span) {
    }

    private NamedVerdicts() {
    }

    static List<Finding> combine(Kind kind, List<Run> runs) {
        Map<Key, Map<String, Finding>> byKey = new LinkedHashMap<>();
        for (Run run : runs) {
            for (Finding finding : run.findings()) {
                byKey.computeIfAbsent(new Key(finding.rule().id(), finding.span()), key -> new LinkedHashMap<>())
                        .putIfAbsent(run.name(), finding);
            }
        }
        List<Finding> verdicts = new ArrayList<>();
        for (Map<String, Finding> inSettings : byKey.values()) {
            boolean everySetting = inSettings.size() == runs.size();
            verdicts.add(kind == Kind.OVMF_RELEASES ? ovmfVerdict(inSettings, everySetting)
                    : verdict(kind, inSettings, everySetting));
        }
        return verdicts;
    }

    private static Finding verdict(Kind kind, Map<String, Finding> inSettings, boolean everySetting) {
        Finding first = inSettings.values().iterator().next();
        if (everySetting && inSettings.values().stream().allMatch(f -> ScenarioVerdicts.sameOutcome(f, first))) {
            return first;
        }
        return merged(kind, inSettings, everySetting);
    }

    /**
     * A finding under some or all spans of OVMF releases. Each run names the release it was checked as ("OVMF 2023.08
     * places …"), which stands for its whole span: the name is taken out, so that spans that conclude alike are said
     * once ("With OVMF 2022.11 and 2023.02 to 2023.05: OVMF places …"), and the evidence is said for the spans together.
     * A finding that holds only under spans no booted build has is information: the model of those releases rests
     * on edk2's source alone.
     */
    private static Finding ovmfVerdict(Map<String, Finding> inSettings, boolean everySetting) {
        Map<String, Finding> unnamed = new LinkedHashMap<>();
        List<String> unverified = new ArrayList<>();
        inSettings.forEach((span, finding) -> {
            unnamed.put(span, withoutRelease(finding));
            if (Boolean.FALSE.equals(finding.data().get(OvmfEvidence.VERIFIED_BY_BOOT))) {
                unverified.add(span);
            }
        });
        Finding merged = merged(Kind.OVMF_RELEASES, unnamed, everySetting);
        Map<String, Object> data = new LinkedHashMap<>(merged.data());
        data.put(OvmfEvidence.VERIFIED_BY_BOOT, unverified.isEmpty());
        data.put(OvmfEvidence.EVIDENCE, unverified.isEmpty()
                ? "verified by a boot: the OVMF oracle test boots a build with the behaviour of each of these releases"
                : "modelled from edk2 source, not verified by a boot, for OVMF "
                + Kind.OVMF_RELEASES.names(unverified)
                + (unverified.size() < inSettings.size() ? "; the others verified by a boot" : ""));
        Severity severity = !everySetting && unverified.size() == inSettings.size() ? Severity.INFO
                : merged.severity();
        return new Finding(merged.rule(), severity, merged.source(), merged.span(), merged.message(), data,
                merged.fix());
    }

    /** The finding without the release its run was checked as: "OVMF 2023.08 places" becomes "OVMF places". */
    private static Finding withoutRelease(Finding finding) {
        Object release = finding.data().get(OvmfEvidence.RELEASE);
        if (release == null) {
            return finding;
        }
        Map<String, Object> data = new LinkedHashMap<>(finding.data());
        data.remove(OvmfEvidence.RELEASE);
        data.remove(OvmfEvidence.VERIFIED_BY_BOOT);
        data.remove(OvmfEvidence.EVIDENCE);
        return new Finding(finding.rule(), finding.severity(), finding.source(), finding.span(),
                finding.message().replace("OVMF " + release, "OVMF"), data, finding.fix());
    }

    /** The settings' findings said together, naming the settings where they differ. */
    private static Finding merged(Kind kind, Map<String, Finding> inSettings, boolean everySetting) {
        Map<String, List<String>> settingsByMessage = new LinkedHashMap<>();
        inSettings.forEach((name, finding) -> settingsByMessage.computeIfAbsent(
                ScenarioVerdicts.stripPeriod(finding.message()), message -> new ArrayList<>()).add(name));
        List<String> parts = new ArrayList<>();
        if (everySetting && settingsByMessage.size() == 1) {
            // Said alike everywhere, differing only in data or in how its fix is described: nothing to name.
            parts.add(settingsByMessage.keySet().iterator().next());
        } else {
            settingsByMessage.forEach((message, names) -> parts.add(kind.prefix + kind.names(names) + ": " + message));
        }
        Finding worst = inSettings.values().stream()
                .min((a, b) -> Integer.compare(a.severity().ordinal(), b.severity().ordinal())).orElseThrow();
        Map<String, Object> data = new LinkedHashMap<>(worst.data());
        List<String> names = List.copyOf(inSettings.keySet());
        data.put(kind.dataKey, names);
        if (!everySetting) {
            data.put("failsOn", Map.of(kind.dataKey, names));
        }
        String message = String.join(". ", parts);
        if (!everySetting) {
            message += kind.whatWouldSettleIt.map(note -> ". " + note).orElse("");
            if (inSettings.values().stream().anyMatch(f -> f.fix().isPresent())) {
                message += ". No fix for all of them: " + kind.howToFix;
            }
        }
        Severity severity = !everySetting && kind == Kind.OVMF_RELEASES && worst.severity() == Severity.ERROR
                ? Severity.WARNING : worst.severity();
        return new Finding(worst.rule(), severity, worst.source(), worst.span(), message, data,
                everySetting ? commonFix(kind, inSettings) : Optional.empty());
    }

    /** The fix every setting has, unsafe unless it is safe in each. */
    private static Optional<Fix> commonFix(Kind kind, Map<String, Finding> inSettings) {
        List<Optional<Fix>> fixes = inSettings.values().stream().map(Finding::fix).toList();
        Optional<Fix> first = fixes.get(0);
        if (first.isEmpty() || !fixes.stream().allMatch(f -> f.isPresent()
                && f.get().edits().equals(first.get().edits()))) {
            return Optional.empty();
        }
        boolean safeEverywhere = fixes.stream().allMatch(f -> f.get().safety() == Fix.Safety.SAFE);
        return safeEverywhere ? first : Optional.of(Fix.unsafe(first.get().description()
                + " (unsafe: not safe in every one of " + kind.names(List.copyOf(inSettings.keySet())) + ")",
                first.get().edits()));
    }

    /** "hv01", "hv01 and hv02", "hv01, hv02 and hv03". */
    private static String names(List<String> names) {
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }
}
