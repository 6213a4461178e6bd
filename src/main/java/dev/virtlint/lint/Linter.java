package dev.virtlint.lint;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import dev.virtlint.config.Suppressions;
import dev.virtlint.domain.DomainBuilder;
import dev.virtlint.domain.DomainDef;
import dev.virtlint.firmware.OvmfReleaseSpan;
import dev.virtlint.host.HostFacts;
import dev.virtlint.platform.HostCpu;
import dev.virtlint.platform.Platform;
import dev.virtlint.platform.PlatformResolver;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.NotChecked;
import dev.virtlint.rules.Rule;
import dev.virtlint.xml.SafeXmlLoader;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.XmlDocument;
import dev.virtlint.xml.XmlLoadException;

/** Load, model, check: the whole pipeline for one input. Thread-safe; holds no per-file state. */
public final class Linter {
    /**
     * The data key under which each finding of a domain whose machine type raised the QEMU nothing named says which
     * QEMU was assumed and why.
     */
    public static final String QEMU_VERSION_ASSUMED = "qemuVersionAssumed";

    private static final Comparator<Finding> BY_POSITION = Comparator
            .comparingInt((Finding f) -> f.span().start())
            .thenComparing(f -> f.rule().id());

    private final SafeXmlLoader loader;
    private final List<Rule> rules;
    /** The rules that read OVMF's model, and with it the release: the firmware family. */
    private final Set<Rule> firmwareRules;
    /** One environment, or one per host of a fleet, each named. */
    private final List<LintEnvironment> environments;

    public Linter(SafeXmlLoader loader, List<Rule> rules, LintEnvironment environment) {
        this(loader, rules, List.of(environment));
    }

    /** Checks every file on each host of {@code fleet} and says on which hosts a finding holds. */
    public Linter(SafeXmlLoader loader, List<Rule> rules, List<LintEnvironment> fleet) {
        if (fleet.isEmpty() || fleet.size() > 1 && fleet.stream().anyMatch(e -> e.hostName().isEmpty())) {
            throw new IllegalArgumentException("a fleet's hosts need names");
        }
        this.loader = loader;
        this.rules = List.copyOf(rules);
        this.firmwareRules = rules.stream().filter(rule -> rule.meta().family() == Family.FIRMWARE)
                .collect(Collectors.toUnmodifiableSet());
        this.environments = List.copyOf(fleet);
    }

    /** Default target stack, no host facts. */
    public Linter(SafeXmlLoader loader, List<Rule> rules) {
        this(loader, rules, LintEnvironment.defaults());
    }

    /**
     * Lints a file. {@code requireDomain} is true for files named on the command line (a non-domain root
     * is then an error) and false for files found by walking a directory (they are skipped).
     */
    public FileResult lint(Path path, boolean requireDomain) {
        try {
            return lint(loader.load(path), requireDomain);
        } catch (XmlLoadException e) {
            return FileResult.failed(e);
        }
    }

    public FileResult lint(String displayName, InputStream in) {
        try {
            return lint(loader.load(displayName, in), true);
        } catch (XmlLoadException e) {
            return FileResult.failed(e);
        }
    }

    /** Re-lints text that a fix produced; same rules, same loader. */
    public FileResult lint(SourceText text) {
        try {
            return lint(loader.parse(text), true);
        } catch (XmlLoadException e) {
            return FileResult.failed(e);
        }
    }

    private FileResult lint(XmlDocument document, boolean requireDomain) throws XmlLoadException {
        String name = document.source().displayName();
        if (!document.root().qualifiedName().equals("domain") || !document.root().namespaceUri().isEmpty()) {
            if (!requireDomain) {
                return FileResult.skipped(name);
            }
            var at = document.source().positionOf(document.root().startTag().start());
            throw new XmlLoadException(XmlLoadException.Kind.NOT_A_DOMAIN, name, at.line(), at.column(),
                    "the root element is <" + document.root().qualifiedName() + ">, not <domain>");
        }
        try {
            return FileResult.linted(document.source(), check(DomainBuilder.build(document)));
        } catch (RuntimeException e) {
            // A bug must not take the other files down, nor print a stack trace: report it like a bad input.
            throw new XmlLoadException(XmlLoadException.Kind.INTERNAL, name, 1, 1,
                    e + " (please report this with the input that caused it; VIRT_LINT_DEBUG=1 shows details)");
        }
    }

    /**
     * Checks a domain on the run's host, or on each host of a fleet with the verdicts merged by {@link NamedVerdicts};
     * and where the run lacks host facts the domain's behaviour depends on, on every host of the {@link HostRange}
     * with the verdicts merged by {@link ScenarioVerdicts}.
     */
    public List<Finding> check(DomainDef domain) {
        NotChecked notChecked = new NotChecked();
        HostVerdicts verdicts = environments.size() == 1 ? checkOn(domain, environments.get(0), notChecked)
                : combined(NamedVerdicts.Kind.FLEET, environments.stream().map(e -> e.hostName().orElseThrow())
                        .toList(), i -> checkOn(domain, environments.get(i), notChecked));
        List<Finding> findings = new ArrayList<>(verdicts.findings());
        LintContext last = verdicts.context();
        for (Rule rule : rules) {
            if (rule.readsOtherRulesOutcome()) {
                findings.addAll(rule.check(last));
            }
        }
        findings = ElementPaths.locate(domain.document(),
                Suppressions.apply(domain.document(), findings, rules, notChecked));
        findings.sort(BY_POSITION);
        return findings;
    }

    /** The findings on one host, and a context there for the rules that read the others' outcome. */
    private record HostVerdicts(List<Finding> findings, LintContext context) {
    }

    /**
     * The findings on one host. Where the run assumes the OVMF release (nothing named it) and the guest boots UEFI,
     * the firmware rules run once per span of {@link OvmfReleaseSpan#WHEN_UNNAMED}, merged by {@link NamedVerdicts},
     * and every other rule once: only the firmware rules read the release (OvmfReleaseSpansTest checks that the
     * others conclude the same under each), and running them alone keeps the spans from costing a full lint each.
     * The platforms of every span and host share what depends on the domain alone.
     */
    private HostVerdicts checkOn(DomainDef domain, LintEnvironment environment, NotChecked notChecked) {
        PlatformResolver.ForDomain platforms = PlatformResolver.forDomain(domain);
        // Read once: the ROM files the domain names, where the host root allows, for every span and host.
        Optional<HostFacts> facts = environment.hostFacts().map(hostFacts -> hostFacts.withRomFiles(domain.romFiles()));
        if (!environment.ovmfAssumed() || !domain.os().usesUefi()) {
            return checkOnHosts(platforms, environment, facts, notChecked, rule -> true);
        }
        HostVerdicts others = checkOnHosts(platforms, environment, facts, notChecked,
                rule -> !firmwareRules.contains(rule));
        List<OvmfReleaseSpan> spans = OvmfReleaseSpan.WHEN_UNNAMED;
        HostVerdicts firmware = combined(NamedVerdicts.Kind.OVMF_RELEASES, spans.stream().map(OvmfReleaseSpan::label)
                .toList(), i -> checkOnHosts(platforms, environment.withOvmf(spans.get(i).modelledAs().parseableText()),
                facts, notChecked, firmwareRules::contains));
        List<Finding> findings = new ArrayList<>(others.findings());
        findings.addAll(firmware.findings());
        return new HostVerdicts(findings, others.context());
    }

    /** Each named setting checked in turn and merged by {@link NamedVerdicts}; the context is the last setting's. */
    private static HostVerdicts combined(NamedVerdicts.Kind kind, List<String> names, IntFunction<HostVerdicts> check) {
        List<NamedVerdicts.Run> runs = new ArrayList<>();
        HostVerdicts last = null;
        for (int i = 0; i < names.size(); i++) {
            last = check.apply(i);
            runs.add(new NamedVerdicts.Run(names.get(i), last.findings()));
        }
        return new HostVerdicts(NamedVerdicts.combine(kind, runs), last.context());
    }

    private HostVerdicts checkOnHosts(PlatformResolver.ForDomain platforms, LintEnvironment environment,
                                      Optional<HostFacts> facts, NotChecked notChecked, Predicate<Rule> which) {
        DomainDef domain = platforms.domain();
        Platform onRunsHost = platforms.resolve(environment.stack(), environment.hostCpu());
        HostRange.Dimensions unknown = HostRange.dimensions(domain, onRunsHost, environment.hostCpu(),
                environment.ovmfAssumed());
        if (!unknown.any()) {
            LintContext context = context(domain, onRunsHost, List.of(onRunsHost), environment, facts, notChecked);
            return new HostVerdicts(checkOn(context, which), context);
        }
        List<HostCpu> hosts = HostRange.hosts(unknown, environment.hostCpu());
        List<Platform> range = hosts.stream().map(host -> platforms.resolve(environment.stack(), host)).toList();
        List<ScenarioVerdicts.Run> runs = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            runs.add(new ScenarioVerdicts.Run(hosts.get(i),
                    checkOn(context(domain, range.get(i), range, environment, facts, notChecked), which)));
        }
        return new HostVerdicts(ScenarioVerdicts.combine(unknown, runs),
                context(domain, range.get(0), range, environment, facts, notChecked));
    }

    /** {@code facts} are the environment's, with the ROM files the domain names read where the host root allows. */
    private static LintContext context(DomainDef domain, Platform platform, List<Platform> hostRange,
                                       LintEnvironment environment, Optional<HostFacts> facts, NotChecked notChecked) {
        return new LintContext(domain, platform, hostRange, facts, environment.declaredDevices(),
                environment.libvirtSchemas(), notChecked);
    }

    /**
     * The findings of the rules that read only the domain. Where the domain's machine type raised the QEMU nothing
     * named, each says so in its data, as every prediction behind it assumed that release.
     */
    private List<Finding> checkOn(LintContext context, Predicate<Rule> which) {
        List<Finding> findings = new ArrayList<>();
        for (Rule rule : rules) {
            if (!rule.readsOtherRulesOutcome() && which.test(rule)) {
                findings.addAll(rule.check(context));
            }
        }
        Platform platform = context.platform();
        if (!platform.qemuRaisedByMachineType()) {
            return findings;
        }
        String assumption = platform.qemuAssumption().orElseThrow();
        return findings.stream().map(finding -> finding
                .withDataDefault("qemuVersion", platform.qemu().version().toString())
                .withDataDefault(QEMU_VERSION_ASSUMED, assumption)).toList();
    }
}
