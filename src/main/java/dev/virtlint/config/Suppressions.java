package dev.virtlint.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.virtlint.rules.Finding;
import dev.virtlint.rules.FindingBuilder;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.NotChecked;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleMeta;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.xml.Edits;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.Span;
import dev.virtlint.xml.TextEdit;
import dev.virtlint.xml.XmlAttribute;
import dev.virtlint.xml.XmlComment;
import dev.virtlint.xml.XmlDocument;
import dev.virtlint.xml.XmlElement;

/**
 * Suppressions written in the domain XML, applied after every rule has run:
 * <ul>
 * <li>{@code <metadata><vl:lint xmlns:vl='https://virt-lint.dev/xmlns/lint/1'><vl:ignore rule='VL102'
 * reason='…'/></vl:lint></metadata>} for the whole domain. libvirt keeps namespaced metadata through
 * {@code virsh define} and {@code dumpxml}, so these survive a round trip through libvirt.</li>
 * <li>{@code <!-- virt-lint: ignore VL401[,VL402] reason -->} for the element that follows the comment (and
 * everything inside it), and {@code <!-- virt-lint: ignore-file VL102 reason -->} for the whole file. libvirt
 * discards comments, so these suit files that are kept in version control and never read back.</li>
 * </ul>
 * A rule is named by ID or name. A suppression that matches no finding, although its rule ran and could
 * check the file, is reported as VL900 unused-suppression with a fix that removes it.
 */
public final class Suppressions {
    /** The namespace of the {@code <vl:lint>} metadata element; the trailing 1 is the format's version. */
    public static final String NAMESPACE = "https://virt-lint.dev/xmlns/lint/1";
    public static final String UNUSED_SUPPRESSION = "VL900";

    private static final Pattern DIRECTIVE_START = Pattern.compile("^\\s*virt-lint\\s*:");
    private static final Pattern DIRECTIVE = Pattern.compile("^\\s*virt-lint\\s*:\\s*(ignore|ignore-file)\\s+"
            + "([A-Za-z0-9-]+(?:\\s*,\\s*[A-Za-z0-9-]+)*)(?:\\s+(?:--\\s*)?(.*?))?\\s*$", Pattern.DOTALL);
    private static final Pattern LIST_SEPARATOR = Pattern.compile("\\s*,\\s*");

    private Suppressions() {
    }

    /** Where a suppression was written, which decides how it is removed. */
    private enum Form { COMMENT, METADATA }

    /**
     * One comment or one {@code <vl:ignore>}: the rules it names, where it is reported, and what it covers
     * ({@code scope} empty for the whole file; {@code noTarget} set when it covers nothing).
     */
    private record Directive(Form form, List<String> rules, Span reportAt, Optional<Span> scope, boolean fileWide,
                             Optional<String> noTarget, Span ruleList, Optional<XmlElement> element) {
        boolean covers(Finding finding) {
            if (fileWide) {
                return true;
            }
            int offset = finding.span().start();
            return scope.map(span -> span.start() <= offset && offset < span.end()).orElse(false);
        }
    }

    /** One rule named by one directive. */
    private record Entry(Directive directive, int index) {
        String rule() {
            return directive.rules().get(index);
        }
    }

    /** Something in our namespace or comment syntax that is not a suppression. */
    private record Malformed(Span at, String message) {
    }

    /**
     * Drops the findings that a suppression covers and adds a VL900 finding for each suppression that
     * suppressed nothing, when VL900 is among {@code rules} (which may carry its configured severity).
     */
    public static List<Finding> apply(XmlDocument document, List<Finding> findings, List<Rule> rules,
                                      NotChecked notChecked) {
        List<Directive> directives = new ArrayList<>();
        List<Malformed> malformed = new ArrayList<>();
        readComments(document, directives, malformed);
        readMetadata(document, directives, malformed);
        if (directives.isEmpty() && malformed.isEmpty()) {
            return new ArrayList<>(findings);
        }
        Set<Entry> used = new HashSet<>();
        List<Finding> kept = suppress(findings, directives, used);
        Optional<RuleMeta> unusedRule = rules.stream().map(Rule::meta)
                .filter(meta -> meta.id().equals(UNUSED_SUPPRESSION)).findFirst();
        if (unusedRule.isPresent()) {
            List<Finding> unused = unused(document, directives, malformed, used, rules, notChecked, unusedRule.get());
            kept.addAll(suppress(unused, directives, used));
        }
        return kept;
    }

    private static List<Finding> suppress(List<Finding> findings, List<Directive> directives, Set<Entry> used) {
        List<Finding> kept = new ArrayList<>();
        for (Finding finding : findings) {
            boolean suppressed = false;
            for (Directive directive : directives) {
                for (int i = 0; i < directive.rules().size(); i++) {
                    Optional<String> id = ruleId(directive.rules().get(i));
                    if (id.isPresent() && id.get().equals(finding.rule().id()) && directive.covers(finding)) {
                        used.add(new Entry(directive, i));
                        suppressed = true;
                    }
                }
            }
            if (!suppressed) {
                kept.add(finding);
            }
        }
        return kept;
    }

    private static Optional<String> ruleId(String idOrName) {
        return RuleRegistry.find(idOrName).map(rule -> rule.meta().id());
    }

    private static List<Finding> unused(XmlDocument document, List<Directive> directives, List<Malformed> malformed,
                                        Set<Entry> used, List<Rule> rules, NotChecked notChecked, RuleMeta vl900) {
        Set<String> ran = new HashSet<>();
        rules.forEach(rule -> ran.add(rule.meta().id()));
        Set<String> unchecked = new HashSet<>();
        notChecked.byMissingFact().values().forEach(unchecked::addAll);
        List<Entry> reported = new ArrayList<>();
        for (Directive directive : directives) {
            for (int i = 0; i < directive.rules().size(); i++) {
                Entry entry = new Entry(directive, i);
                Optional<String> id = ruleId(entry.rule());
                boolean undecidable = id.isPresent() && (id.get().equals(UNUSED_SUPPRESSION) || !ran.contains(id.get())
                        || unchecked.contains(id.get()));
                if (!used.contains(entry) && !undecidable) {
                    reported.add(entry);
                }
            }
        }
        SourceText source = document.source();
        List<Finding> findings = new ArrayList<>();
        for (Entry entry : reported) {
            findings.add(FindingBuilder.at(vl900, source, entry.directive().reportAt(), message(entry))
                    .data("suppressedRule", entry.rule())
                    .data("form", entry.directive().form().name().toLowerCase(Locale.ROOT))
                    .fix(Fix.safe("remove the unused suppression", List.of(removal(source, entry, reported))))
                    .build());
        }
        for (Malformed problem : malformed) {
            findings.add(FindingBuilder.at(vl900, source, problem.at(), problem.message()).build());
        }
        return findings;
    }

    private static String message(Entry entry) {
        Directive directive = entry.directive();
        Optional<RuleMeta> rule = RuleRegistry.find(entry.rule()).map(Rule::meta);
        if (rule.isEmpty()) {
            return "'" + entry.rule() + "' is not a virt-lint rule, so this suppression suppresses nothing"
                    + " ('virt-lint rules' lists them)";
        }
        if (directive.noTarget().isPresent()) {
            return "this suppression of " + rule.get().id() + " suppresses nothing: " + directive.noTarget().get();
        }
        String where = directive.fileWide() ? "anywhere in this domain"
                : "in <" + directive.element().map(XmlElement::qualifiedName).orElse("?") + ">";
        return "this suppression of " + rule.get().id() + " " + rule.get().name() + " suppresses nothing: the rule"
                + " finds nothing " + where + " any more; remove it";
    }

    /**
     * The edit that removes one unused entry. A comment loses only its unused rules (the comment goes when none
     * is left); a {@code <vl:ignore>} goes with its line, and takes its {@code <vl:lint>} (and a {@code
     * <metadata>} holding nothing else) along when every suppression in it is unused, so that removing them one
     * by one or all at once leaves the same file.
     */
    private static TextEdit removal(SourceText source, Entry entry, List<Entry> reported) {
        Directive directive = entry.directive();
        if (directive.form() == Form.COMMENT) {
            List<String> remaining = new ArrayList<>();
            for (int i = 0; i < directive.rules().size(); i++) {
                if (!reported.contains(new Entry(directive, i))) {
                    remaining.add(directive.rules().get(i));
                }
            }
            return remaining.isEmpty() ? Edits.deleteWithLine(source, directive.reportAt())
                    : TextEdit.replace(directive.ruleList(), String.join(",", remaining));
        }
        XmlElement removed = directive.element().orElseThrow();
        XmlElement lint = removed.parent().orElseThrow();
        boolean lintAllUnused = lint.text().isEmpty() && lint.children().stream().allMatch(child -> reported.stream()
                .anyMatch(other -> other.directive().element().map(e -> e == child).orElse(false)));
        if (lintAllUnused) {
            removed = lint;
            XmlElement metadata = lint.parent().orElseThrow();
            if (metadata.text().isEmpty() && metadata.children().size() == 1) {
                removed = metadata;
            }
        }
        return Edits.deleteWithLine(source, removed.span());
    }

    private static void readComments(XmlDocument document, List<Directive> directives, List<Malformed> malformed) {
        List<XmlElement> elements = new ArrayList<>();
        inDocumentOrder(document.root(), elements);
        for (XmlComment comment : document.comments()) {
            if (!DIRECTIVE_START.matcher(comment.text()).find()) {
                continue;
            }
            Matcher directive = DIRECTIVE.matcher(comment.text());
            if (!directive.matches()) {
                malformed.add(new Malformed(comment.span(), "'" + comment.text().strip() + "' is not a suppression"
                        + " virt-lint understands, so it suppresses nothing: write 'virt-lint: ignore RULE[,RULE]"
                        + " [reason]' before an element, or 'virt-lint: ignore-file RULE[,RULE] [reason]'"));
                continue;
            }
            int textStart = comment.span().start() + "<!--".length();
            Span ruleList = new Span(textStart + directive.start(2), textStart + directive.end(2));
            List<String> rules = List.of(LIST_SEPARATOR.split(directive.group(2)));
            if (directive.group(1).equals("ignore-file")) {
                directives.add(new Directive(Form.COMMENT, rules, comment.span(), Optional.empty(), true,
                        Optional.empty(), ruleList, Optional.empty()));
                continue;
            }
            Optional<XmlElement> next = nextElement(document, elements, comment);
            directives.add(new Directive(Form.COMMENT, rules, comment.span(), next.map(XmlElement::span), false,
                    next.isPresent() ? Optional.empty()
                            : Optional.of("no element follows the comment (only whitespace and comments may lie"
                                    + " between them)"), ruleList, next));
        }
    }

    /** The element that starts right after the comment, with only whitespace and comments in between. */
    private static Optional<XmlElement> nextElement(XmlDocument document, List<XmlElement> elements,
                                                    XmlComment comment) {
        String text = document.source().text();
        for (XmlElement element : elements) {
            int start = element.startTag().start();
            if (start < comment.span().end()) {
                continue;
            }
            String between = text.substring(comment.span().end(), start).replaceAll("(?s)<!--.*?-->", "");
            return between.isBlank() ? Optional.of(element) : Optional.empty();
        }
        return Optional.empty();
    }

    private static void inDocumentOrder(XmlElement element, List<XmlElement> out) {
        out.add(element);
        for (XmlElement child : element.children()) {
            inDocumentOrder(child, out);
        }
    }

    private static void readMetadata(XmlDocument document, List<Directive> directives, List<Malformed> malformed) {
        Optional<XmlElement> metadata = document.root().child("metadata");
        if (metadata.isEmpty()) {
            return;
        }
        for (XmlElement lint : metadata.get().children()) {
            if (!lint.isInNamespace(NAMESPACE)) {
                continue;
            }
            if (!lint.localName().equals("lint")) {
                malformed.add(new Malformed(lint.startTag(), "<" + lint.qualifiedName() + "> is not a virt-lint"
                        + " element: <metadata> holds <" + lint.prefix() + ":lint>, which holds <" + lint.prefix()
                        + ":ignore rule='ID' reason='…'/>"));
                continue;
            }
            for (XmlElement ignore : lint.children()) {
                Optional<XmlAttribute> rule = ignore.attribute("rule");
                if (!ignore.isInNamespace(NAMESPACE) || !ignore.localName().equals("ignore")) {
                    malformed.add(new Malformed(ignore.startTag(), "<" + ignore.qualifiedName() + "> is not a"
                            + " suppression: <" + lint.qualifiedName() + "> holds <" + lint.prefix()
                            + ":ignore rule='ID' reason='…'/>"));
                } else if (rule.isEmpty() || rule.get().value().isBlank()) {
                    malformed.add(new Malformed(ignore.startTag(), "this <" + ignore.qualifiedName() + "> names no"
                            + " rule, so it suppresses nothing: add rule='ID' (an ID such as VL102 or a rule name)"));
                } else {
                    directives.add(new Directive(Form.METADATA, List.of(rule.get().value().strip()), ignore.startTag(),
                            Optional.empty(), true, Optional.empty(), rule.get().valueSpan(), Optional.of(ignore)));
                }
            }
        }
    }
}
