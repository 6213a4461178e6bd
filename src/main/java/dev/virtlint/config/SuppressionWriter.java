package dev.virtlint.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.virtlint.xml.Edits;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.TextEdit;
import dev.virtlint.xml.XmlDocument;
import dev.virtlint.xml.XmlElement;

/**
 * Writes {@code <vl:ignore rule='…' reason='…'/>} into a domain's {@code <metadata>} (creating {@code <vl:lint>}
 * and {@code <metadata>} where they are missing), for adopting virt-lint on definitions that already have
 * findings. The new lines follow the file's indentation, quote character and line ending.
 */
public final class SuppressionWriter {
    /** libvirt writes these before {@code <metadata>}; a new {@code <metadata>} goes after the last of them. */
    private static final List<String> BEFORE_METADATA = List.of("name", "uuid", "genid", "title", "description");
    private static final String PREFIX = "vl";

    private SuppressionWriter() {
    }

    /** One insertion that suppresses every rule in {@code ruleIds}, or nothing when there is none. */
    public static Optional<TextEdit> suppress(XmlDocument document, Collection<String> ruleIds,
                                              Optional<String> reason) {
        if (ruleIds.isEmpty()) {
            return Optional.empty();
        }
        SourceText source = document.source();
        char quote = Edits.quoteOf(document);
        String unit = Edits.indentUnit(source, document.root());
        String newline = source.lineSeparator();
        XmlElement root = document.root();
        Optional<XmlElement> metadata = root.child("metadata");
        Optional<XmlElement> lint = metadata.flatMap(m -> m.children().stream()
                .filter(child -> child.isInNamespace(Suppressions.NAMESPACE) && child.localName().equals("lint"))
                .findFirst());
        if (lint.isPresent()) {
            String prefix = lint.get().prefix().isEmpty() ? "" : lint.get().prefix() + ":";
            List<String> ignores = ignores(prefix, ruleIds, reason, quote);
            String indent = childIndent(source, lint.get());
            return Optional.of(Edits.appendChild(source, lint.get(), String.join(newline + indent, ignores)));
        }
        List<String> block = new ArrayList<>();
        block.add("<" + PREFIX + ":lint xmlns:" + PREFIX + "=" + quote + Suppressions.NAMESPACE + quote + ">");
        for (String ignore : ignores(PREFIX + ":", ruleIds, reason, quote)) {
            block.add(unit + ignore);
        }
        block.add("</" + PREFIX + ":lint>");
        if (metadata.isPresent()) {
            String indent = childIndent(source, metadata.get());
            return Optional.of(Edits.appendChild(source, metadata.get(), String.join(newline + indent, block)));
        }
        String indent = childIndent(source, root);
        List<String> metadataBlock = new ArrayList<>();
        metadataBlock.add("<metadata>");
        block.forEach(line -> metadataBlock.add(unit + line));
        metadataBlock.add("</metadata>");
        return Optional.of(Edits.insertChild(source, root, String.join(newline + indent, metadataBlock),
                BEFORE_METADATA));
    }

    private static List<String> ignores(String prefix, Collection<String> ruleIds, Optional<String> reason,
                                        char quote) {
        List<String> lines = new ArrayList<>();
        for (String rule : ruleIds) {
            StringBuilder line = new StringBuilder("<").append(prefix).append("ignore rule=").append(quote)
                    .append(Edits.escapeAttribute(rule, quote)).append(quote);
            reason.ifPresent(text -> line.append(" reason=").append(quote).append(Edits.escapeAttribute(text, quote))
                    .append(quote));
            lines.add(line.append("/>").toString());
        }
        return lines;
    }

    /** Where a child of {@code parent} starts its line: the indentation its existing children have. */
    private static String childIndent(SourceText source, XmlElement parent) {
        if (!parent.children().isEmpty() && !parent.isSelfClosing()) {
            XmlElement last = parent.children().get(parent.children().size() - 1);
            return Edits.indentationOf(source, last);
        }
        return Edits.indentationOf(source, parent) + Edits.indentUnit(source, parent);
    }
}
