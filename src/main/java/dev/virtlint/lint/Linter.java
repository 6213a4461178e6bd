package dev.virtlint.lint;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.virtlint.config.Suppressions;
import dev.virtlint.domain.DomainBuilder;
import dev.virtlint.domain.DomainDef;
import dev.virtlint.platform.HostCpu;
import dev.virtlint.platform.Platform;
import dev.virtlint.platform.PlatformResolver;
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
    private static final Comparator<Finding> BY_POSITION = Comparator
            .comparingInt((Finding f) -> f.span().start())
            .thenComparing(f -> f.rule().id());

    private final SafeXmlLoader loader;
    private final List<Rule> rules;
    private final LintEnvironment environment;

    public Linter(SafeXmlLoader loader, List<Rule> rules, LintEnvironment environment) {
        this.loader = loader;
        this.rules = List.copyOf(rules);
        this.environment = environment;
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
     * Checks a domain on the run's host, or, where the run lacks host facts the domain's behaviour depends on, on
     * every host of the {@link HostRange} with the verdicts merged by {@link ScenarioVerdicts}.
     */
    public List<Finding> check(DomainDef domain) {
        NotChecked notChecked = new NotChecked();
        Platform onRunsHost = PlatformResolver.resolve(domain, environment.stack(), environment.hostCpu());
        HostRange.Dimensions unknown = HostRange.dimensions(domain, onRunsHost, environment.hostCpu());
        List<Finding> findings;
        List<Platform> platforms;
        if (!unknown.any()) {
            platforms = List.of(onRunsHost);
            findings = checkOn(new LintContext(domain, onRunsHost, platforms, environment.hostFacts(), notChecked));
        } else {
            List<HostCpu> hosts = HostRange.hosts(unknown, environment.hostCpu());
            platforms = hosts.stream().map(host -> PlatformResolver.resolve(domain, environment.stack(), host)).toList();
            List<ScenarioVerdicts.Run> runs = new ArrayList<>();
            for (int i = 0; i < hosts.size(); i++) {
                runs.add(new ScenarioVerdicts.Run(hosts.get(i), checkOn(new LintContext(domain, platforms.get(i),
                        platforms, environment.hostFacts(), notChecked))));
            }
            findings = ScenarioVerdicts.combine(unknown, runs);
        }
        LintContext context = new LintContext(domain, platforms.get(0), platforms, environment.hostFacts(), notChecked);
        for (Rule rule : rules) {
            if (rule.readsOtherRulesOutcome()) {
                findings.addAll(rule.check(context));
            }
        }
        findings = ElementPaths.locate(domain.document(),
                Suppressions.apply(domain.document(), findings, rules, notChecked));
        findings.sort(BY_POSITION);
        return findings;
    }

    private List<Finding> checkOn(LintContext context) {
        List<Finding> findings = new ArrayList<>();
        for (Rule rule : rules) {
            if (!rule.readsOtherRulesOutcome()) {
                findings.addAll(rule.check(context));
            }
        }
        return findings;
    }
}
