package dev.virtlint.rules.qemu;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.QemuBlock;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.xml.Edits;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.Span;
import dev.virtlint.xml.TextEdit;
import dev.virtlint.xml.XmlAttribute;
import dev.virtlint.xml.XmlDocument;
import dev.virtlint.xml.XmlElement;

@RuleInfo(id = "VL501", name = "qemu-namespace-undeclared", severity = Severity.ERROR, family = Family.QEMU,
        summary = "qemu:commandline / qemu:override outside libvirt's QEMU namespace are dropped at define time")
public final class QemuNamespaceUndeclared implements Rule {
    private static final String PREFIX = "qemu";

    @Override
    public List<Finding> check(LintContext context) {
        DomainDef domain = context.domain();
        List<Finding> findings = new ArrayList<>();
        for (QemuBlock block : domain.qemuBlocks()) {
            if (block.isHonoured()) {
                continue;
            }
            XmlElement element = block.element();
            String what = block.kind() == QemuBlock.Kind.COMMANDLINE
                    ? block.args().size() + " argument" + (block.args().size() == 1 ? "" : "s")
                    : block.devices().size() + " device override" + (block.devices().size() == 1 ? "" : "s");
            String reason = switch (block.binding()) {
                case UNDECLARED_PREFIX -> "the '" + element.prefix() + ":' prefix is never declared";
                case OTHER_NAMESPACE -> "the '" + element.prefix() + ":' prefix is bound to '"
                        + element.namespaceUri() + "', not " + DomainDef.QEMU_NAMESPACE;
                case NO_NAMESPACE -> "<" + element.qualifiedName() + "> has no namespace";
                case BOUND -> throw new IllegalStateException("honoured block");
            };
            findings.add(context.finding(this, element, "libvirt silently drops <" + element.qualifiedName()
                            + "> when the domain is defined, because " + reason + ": its " + what
                            + " never reach QEMU")
                    .data("binding", block.binding().name().toLowerCase(java.util.Locale.ROOT))
                    .data("namespace", element.namespaceUri())
                    .fix(fix(domain, block))
                    .build());
        }
        return findings;
    }

    /**
     * libvirt's schema allows one block of each kind: beside an honoured block the dropped one's content moves into
     * it; of several dropped blocks only the first gets the namespace, and the others move into it on the next pass.
     */
    private Fix fix(DomainDef domain, QemuBlock block) {
        Optional<QemuBlock> honoured = domain.qemuBlocks().stream()
                .filter(other -> other.kind() == block.kind() && other.isHonoured())
                .findFirst();
        if (honoured.isPresent()) {
            return merge(domain.document(), block, honoured.get().element());
        }
        QemuBlock firstDropped = domain.qemuBlocks().stream().filter(other -> other.kind() == block.kind())
                .findFirst().orElseThrow();
        return firstDropped == block ? declareNamespace(domain.document(), block) : null;
    }

    private Fix merge(XmlDocument document, QemuBlock block, XmlElement into) {
        SourceText source = document.source();
        XmlElement element = block.element();
        String unit = Edits.indentUnit(source, element);
        List<String> items = new ArrayList<>();
        if (!element.isSelfClosing()) {
            List<Span> spans = new ArrayList<>();
            element.children().forEach(child -> spans.add(child.span()));
            document.comments().stream()
                    .filter(comment -> comment.span().start() > element.startTag().end()
                            && comment.span().end() <= element.endTag().start()
                            && element.children().stream().noneMatch(child -> contains(child.span(), comment.span())))
                    .forEach(comment -> spans.add(comment.span()));
            spans.sort(Comparator.comparingInt(Span::start));
            for (Span span : spans) {
                items.add(asBlock(source, span, renamedInto(element, into.prefix(), span, source), unit));
            }
        }
        List<TextEdit> edits = new ArrayList<>();
        if (!items.isEmpty()) {
            edits.add(Edits.appendChildBlock(source, into, String.join("\n", items)));
        }
        edits.add(Edits.removeElement(source, element));
        String content = block.kind() == QemuBlock.Kind.COMMANDLINE ? "arguments" : "device overrides";
        return Fix.safe("move its " + content + " into the <" + into.qualifiedName() + "> libvirt honours (libvirt's"
                + " schema allows one)", edits);
    }

    /** The text of {@code span} with every tag of the dropped block's vocabulary in {@code prefix}. */
    private static String renamedInto(XmlElement block, String prefix, Span span, SourceText source) {
        List<TextEdit> renames = new ArrayList<>();
        for (XmlElement child : block.children()) {
            if (contains(span, child.span())) {
                renameSubtree(child, block, prefix, renames);
            }
        }
        renames.sort(Comparator.comparingInt(TextEdit::start).reversed());
        StringBuilder text = new StringBuilder(source.text().substring(span.start(), span.end()));
        for (TextEdit rename : renames) {
            text.replace(rename.start() - span.start(), rename.end() - span.start(), rename.replacement());
        }
        return text.toString();
    }

    private static void renameSubtree(XmlElement element, XmlElement block, String prefix, List<TextEdit> renames) {
        if (!element.prefix().equals(block.prefix()) || !element.namespaceUri().equals(block.namespaceUri())) {
            return;
        }
        String name = prefix + ":" + element.localName();
        int nameStart = element.startTag().start() + 1;
        renames.add(new TextEdit(nameStart, nameStart + element.qualifiedName().length(), name));
        if (!element.isSelfClosing()) {
            int endNameStart = element.endTag().start() + 2;
            renames.add(new TextEdit(endNameStart, endNameStart + element.qualifiedName().length(), name));
        }
        element.children().forEach(child -> renameSubtree(child, block, prefix, renames));
    }

    /**
     * A child's text in {@link Edits#insertChildBlock}'s notation: its continuation lines lose the child's own
     * indentation, and each further {@code unit} of it becomes a tab.
     */
    private static String asBlock(SourceText source, Span span, String text, String unit) {
        String before = source.text().substring(source.lineStart(source.positionOf(span.start()).line()), span.start());
        String base = before.isBlank() ? before : "";
        String[] lines = text.split("\r?\n", -1);
        StringBuilder block = new StringBuilder(lines[0]);
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].startsWith(base) ? lines[i].substring(base.length()) : lines[i].stripLeading();
            int depth = 0;
            while (!unit.isEmpty() && line.startsWith(unit.repeat(depth + 1))) {
                depth++;
            }
            block.append('\n').append("\t".repeat(depth)).append(line.substring(unit.length() * depth));
        }
        return block.toString();
    }

    private static boolean contains(Span outer, Span inner) {
        return inner.start() >= outer.start() && inner.end() <= outer.end();
    }

    private Fix declareNamespace(XmlDocument document, QemuBlock block) {
        XmlElement element = block.element();
        List<TextEdit> edits = new ArrayList<>();
        switch (block.binding()) {
            case UNDECLARED_PREFIX -> edits.add(declare(document, element.prefix()));
            case OTHER_NAMESPACE -> {
                Optional<XmlAttribute> declaration = declarationOf(element, element.prefix());
                if (declaration.isEmpty()) {
                    return null;
                }
                edits.add(TextEdit.replace(declaration.get().valueSpan(), DomainDef.QEMU_NAMESPACE));
            }
            case NO_NAMESPACE -> {
                prefixSubtree(element, edits);
                String existing = document.rootNamespaceDeclarations().get(PREFIX);
                if (existing == null) {
                    edits.add(declare(document, PREFIX));
                } else if (!existing.equals(DomainDef.QEMU_NAMESPACE)) {
                    return null;
                }
            }
            case BOUND -> throw new IllegalStateException("honoured block");
        }
        return Fix.safe("declare xmlns:" + (element.prefix().isEmpty() ? PREFIX : element.prefix()) + "='"
                + DomainDef.QEMU_NAMESPACE + "'", edits);
    }

    private static TextEdit declare(XmlDocument document, String prefix) {
        return Edits.addAttribute(document, document.root(), "xmlns:" + prefix, DomainDef.QEMU_NAMESPACE);
    }

    private static Optional<XmlAttribute> declarationOf(XmlElement element, String prefix) {
        for (XmlElement at = element; at != null; at = at.parent().orElse(null)) {
            Optional<XmlAttribute> declaration = at.attribute("xmlns:" + prefix);
            if (declaration.isPresent()) {
                return declaration;
            }
        }
        return Optional.empty();
    }

    /** {@code <commandline><arg/>} becomes {@code <qemu:commandline><qemu:arg/>}: prefix every tag. */
    private static void prefixSubtree(XmlElement element, List<TextEdit> edits) {
        edits.add(TextEdit.insert(element.startTag().start() + 1, PREFIX + ":"));
        if (!element.isSelfClosing()) {
            edits.add(TextEdit.insert(element.endTag().start() + 2, PREFIX + ":"));
        }
        for (XmlElement child : element.children()) {
            if (child.namespaceUri().isEmpty()) {
                prefixSubtree(child, edits);
            }
        }
    }
}
