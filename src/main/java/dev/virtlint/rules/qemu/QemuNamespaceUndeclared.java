package dev.virtlint.rules.qemu;

import java.util.ArrayList;
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
                    .fix(fix(domain.document(), block))
                    .build());
        }
        return findings;
    }

    private Fix fix(XmlDocument document, QemuBlock block) {
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
                renameSubtree(element, edits);
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
    private static void renameSubtree(XmlElement element, List<TextEdit> edits) {
        edits.add(TextEdit.insert(element.startTag().start() + 1, PREFIX + ":"));
        if (!element.isSelfClosing()) {
            edits.add(TextEdit.insert(element.endTag().start() + 2, PREFIX + ":"));
        }
        for (XmlElement child : element.children()) {
            if (child.namespaceUri().isEmpty()) {
                renameSubtree(child, edits);
            }
        }
    }
}
