package dev.virtlint.rules;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.firmware.DeclaredDevices;
import dev.virtlint.host.HostFacts;
import dev.virtlint.platform.Platform;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.XmlAttribute;
import dev.virtlint.xml.XmlElement;

/**
 * Everything a rule may read about one domain: the typed model, the platform resolved for it and the
 * host facts when the run has them. Rules that need a fact the run lacks record it in {@link #notChecked()}.
 *
 * @param hostRange the platform on every host the verdicts are over, {@code platform} among them: only
 *                  {@code platform} when the run's host decides, and every host of the linter's range where the
 *                  run lacks the host facts the domain depends on. A rule that states what the domain gets on
 *                  each kind of host (a firmware window's size) reads it; other rules read {@code platform}.
 * @param declaredDevices BAR sizes the configuration declares for host devices, for where the host facts lack them
 * @param libvirtSchemas the directory of libvirt's RELAX NG schemas the domain is validated against
 */
public record LintContext(DomainDef domain, Platform platform, List<Platform> hostRange, Optional<HostFacts> hostFacts,
                          DeclaredDevices declaredDevices, Path libvirtSchemas, NotChecked notChecked) {

    public SourceText source() {
        return domain.document().source();
    }

    public FindingBuilder finding(Rule rule, XmlElement at, String message) {
        return FindingBuilder.at(rule.meta(), source(), at, message);
    }

    public FindingBuilder finding(Rule rule, XmlAttribute at, String message) {
        return FindingBuilder.at(rule.meta(), source(), at, message);
    }

    /** Records that {@code rule} could not check this file because {@code missingFact} is unknown. */
    public void couldNotCheck(Rule rule, String missingFact) {
        notChecked.add(rule.meta(), missingFact);
    }

    /** As {@link #couldNotCheck(Rule, String)}, for a fact that no host facts supply. */
    public void couldNotCheckWithoutHost(Rule rule, String missingFact) {
        notChecked.addNotFromHost(rule.meta(), missingFact);
    }

    /** As {@link #couldNotCheck(Rule, String)}, for a fact a host root keeps at {@code hostPath}. */
    public void couldNotCheck(Rule rule, String missingFact, String hostPath) {
        notChecked.add(rule.meta(), missingFact, hostPath);
    }
}
