package dev.virtlint.firmware;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The edk2 releases the model cannot tell apart (they have one {@link OvmfRelease.Behaviour}), checked as one. Where
 * nothing says which OVMF the host runs, a UEFI guest is checked once per span of {@link #WHEN_UNNAMED}, so that
 * the firmware rules speak for every release people run, from Ubuntu 22.04's to the newest modelled, and a finding
 * names the releases it holds under.
 *
 * @param releases   the upstream releases of the span, oldest first; the last span that reaches
 *                   {@link OvmfRelease#NEWEST_MODELLED} stands for later releases too, which are modelled as it
 * @param builds     distribution builds whose backports give them this behaviour although their release is in
 *                   another span (Debian 13's 2025.02 carries 2025.05's X-PciMmio64Mb change)
 * @param modelledAs the build the span is checked as: a booted one where one has this behaviour
 */
public record OvmfReleaseSpan(List<OvmfRelease> releases, List<OvmfRelease> builds, OvmfRelease modelledAs) {
    /** Builds that carry a change before their release has it, named by the distribution that ships them. */
    private static final Map<OvmfRelease, String> BACKPORTING_BUILDS = Map.of(OvmfRelease.DEBIAN_2025_02,
            "Debian 13's 2025.02", OvmfRelease.UBUNTU_2024_02, "Ubuntu 24.04's 2024.02");

    /** Every behaviour from {@link OvmfRelease#OLDEST_ASSUMED} to {@link OvmfRelease#NEWEST_MODELLED}, oldest first. */
    public static final List<OvmfReleaseSpan> WHEN_UNNAMED = spans(OvmfRelease.OLDEST_ASSUMED,
            OvmfRelease.NEWEST_MODELLED);

    public OvmfReleaseSpan {
        releases = List.copyOf(releases);
        builds = List.copyOf(builds);
    }

    /**
     * The spans of edk2's stable releases from {@code oldest} to {@code newest}: one per behaviour, in the order its
     * first release came out. edk2 tags a stable release every three months, in February, May, August and November.
     * A distribution build whose backport gives it a behaviour no release has (Ubuntu 24.04's 2024.02: 2024.02 with
     * 2025.05's X-PciMmio64Mb change) is a span of its own, after its release's.
     */
    static List<OvmfReleaseSpan> spans(OvmfRelease oldest, OvmfRelease newest) {
        Map<OvmfRelease.Behaviour, List<OvmfRelease>> byBehaviour = new LinkedHashMap<>();
        for (OvmfRelease release = oldest; release.compareTo(newest) <= 0; release = nextStable(release)) {
            byBehaviour.computeIfAbsent(release.behaviour(), behaviour -> new ArrayList<>()).add(release);
        }
        BACKPORTING_BUILDS.keySet().stream().sorted().filter(build -> !byBehaviour.containsKey(build.behaviour()))
                .forEach(build -> byBehaviour.put(build.behaviour(), List.of()));
        List<OvmfReleaseSpan> spans = new ArrayList<>();
        byBehaviour.forEach((behaviour, releases) -> {
            List<OvmfRelease> builds = BACKPORTING_BUILDS.keySet().stream()
                    .filter(build -> build.behaviour().equals(behaviour)).sorted().toList();
            // A booted build of one of the span's own releases names it best; else one with its behaviour.
            Optional<OvmfRelease> booted = OvmfRelease.BOOTED.stream()
                    .filter(build -> build.behaviour().equals(behaviour))
                    .min(Comparator.comparing(build -> releases.contains(upstream(build)) ? 0 : 1));
            spans.add(new OvmfReleaseSpan(releases, builds, booted.orElseGet(() -> releases.isEmpty() ? builds.get(0)
                    : releases.get(releases.size() - 1))));
        });
        spans.sort(Comparator.comparing(OvmfReleaseSpan::firstOut));
        return List.copyOf(spans);
    }

    /** When the span's first release came out; a build of its own counts as just after its release. */
    private OvmfRelease firstOut() {
        return releases.isEmpty() ? upstream(builds.get(0)) : releases.get(0);
    }

    private static OvmfRelease upstream(OvmfRelease build) {
        return new OvmfRelease(build.year(), build.month());
    }

    private static OvmfRelease nextStable(OvmfRelease release) {
        return release.month() >= 11 ? new OvmfRelease(release.year() + 1, 2)
                : new OvmfRelease(release.year(), (release.month() + 1) / 3 * 3 + 2);
    }

    /**
     * The span as a finding names it: {@code 2022.02 to 2022.08}, {@code 2022.11}, or
     * {@code 2025.05 to 2025.11, 2026.05+ and Debian 13's 2025.02}, where {@code +} means "and every later release".
     */
    public String label() {
        return describe(List.of(this));
    }

    /**
     * Spans said together, as the releases they hold: {@code 2024.08+} for every span from 2024.08 on. A build whose
     * backport puts it in another span than its release is named where the release's span is not among them
     * ("and Debian 13's 2025.02"), and excepted where it is but the build's own span is not ("2024.08 to 2025.02 except
     * Debian 13's 2025.02"), so that a Debian 13 user does not read a verdict on upstream's 2025.02 as theirs.
     */
    public static String describe(Collection<OvmfReleaseSpan> spans) {
        List<OvmfRelease> releases = spans.stream().flatMap(span -> span.releases().stream()).sorted().toList();
        List<OvmfRelease> builds = spans.stream().flatMap(span -> span.builds().stream()).toList();
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= releases.size(); i++) {
            if (i == releases.size() || !nextStable(releases.get(i - 1)).equals(releases.get(i))) {
                parts.add(run(releases.get(start), releases.get(i - 1)));
                start = i;
            }
        }
        builds.stream().filter(build -> !releases.contains(upstream(build)))
                .forEach(build -> parts.add(BACKPORTING_BUILDS.get(build)));
        List<String> excepted = BACKPORTING_BUILDS.keySet().stream().sorted()
                .filter(build -> !builds.contains(build) && releases.contains(upstream(build)))
                .map(BACKPORTING_BUILDS::get).toList();
        return and(parts) + (excepted.isEmpty() ? "" : " except " + and(excepted));
    }

    /** Finds the spans of {@link #WHEN_UNNAMED} by their labels. */
    public static List<OvmfReleaseSpan> byLabels(List<String> labels) {
        return labels.stream().map(label -> WHEN_UNNAMED.stream().filter(span -> span.label().equals(label))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no span " + label))).toList();
    }

    /** A run of consecutive releases: the last span reaches past the newest modelled, which later ones are as. */
    private static String run(OvmfRelease first, OvmfRelease last) {
        if (last.equals(OvmfRelease.NEWEST_MODELLED)) {
            return first + "+";
        }
        return first.equals(last) ? first.toString() : first + " to " + last;
    }

    private static String and(List<String> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
    }

    /** A booted build has this span's behaviour, so the oracle checked the model of every release in it. */
    public boolean verifiedByBoot() {
        return modelledAs.verifiedByBoot();
    }
}
