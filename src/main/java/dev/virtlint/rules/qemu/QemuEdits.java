package dev.virtlint.rules.qemu;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.QemuArg;
import dev.virtlint.domain.QemuBlock;
import dev.virtlint.domain.QemuDeviceOverride;
import dev.virtlint.xml.Edits;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.TextEdit;
import dev.virtlint.xml.XmlElement;

/**
 * Edits on libvirt's QEMU namespace blocks that keep a file the way its author would: the prefix the file
 * already binds to the namespace (or {@code qemu}, declared on the root), one {@code qemu:override} extended
 * rather than a second one added, new blocks as the last children of {@code <domain>}, and no empty
 * {@code qemu:commandline} left behind (its comments stay where it was).
 */
public final class QemuEdits {
    private static final String DEFAULT_PREFIX = "qemu";

    /** One {@code <qemu:property name type value/>}; types are libvirt's: string, signed, unsigned, bool. */
    public record Property(String name, String type, String value) {
    }

    private QemuEdits() {
    }

    /**
     * Edits that set {@code properties} on the frontend of the device QEMU knows as {@code alias} and drop
     * {@code argsToRemove}; empty while VL501 has a block of this kind to fix first (see {@link #namespace}).
     */
    public static Optional<List<TextEdit>> overrideProperties(DomainDef domain, String alias, List<Property> properties,
                                                              List<QemuArg> argsToRemove) {
        Optional<Namespace> namespace = namespace(domain, QemuBlock.Kind.OVERRIDE);
        if (namespace.isEmpty()) {
            return Optional.empty();
        }
        String prefix = namespace.get().prefix();
        SourceText source = domain.document().source();
        char quote = Edits.quoteOf(domain.document());
        List<String> propertyLines = properties.stream().map(p -> "<" + prefix + ":property name=" + quoted(p.name(), quote)
                + " type=" + quoted(p.type(), quote) + " value=" + quoted(p.value(), quote) + "/>").toList();
        String frontend = "<" + prefix + ":frontend>\n" + tabbed(propertyLines, 1) + "\n</" + prefix + ":frontend>";
        String device = "<" + prefix + ":device alias=" + quoted(alias, quote) + ">\n" + tabbed(List.of(frontend), 1)
                + "\n</" + prefix + ":device>";

        List<TextEdit> edits = new ArrayList<>();
        namespace.get().declaration().ifPresent(edits::add);
        Optional<QemuBlock> override = domain.qemuBlocks().stream()
                .filter(block -> block.kind() == QemuBlock.Kind.OVERRIDE && block.isHonoured())
                .findFirst();
        if (override.isPresent()) {
            Optional<QemuDeviceOverride> existing = override.get().devices().stream()
                    .filter(d -> d.alias().equals(alias))
                    .findFirst();
            if (existing.isEmpty()) {
                edits.add(Edits.appendChildBlock(source, override.get().element(), device));
            } else {
                Optional<XmlElement> existingFrontend = existing.get().element().children().stream()
                        .filter(child -> child.localName().equals("frontend")
                                && child.isInNamespace(DomainDef.QEMU_NAMESPACE))
                        .findFirst();
                edits.add(existingFrontend.isPresent()
                        ? Edits.appendChildBlock(source, existingFrontend.get(), String.join("\n", propertyLines))
                        : Edits.appendChildBlock(source, existing.get().element(), frontend));
            }
        } else {
            String block = "<" + prefix + ":override>\n" + tabbed(List.of(device), 1) + "\n</" + prefix + ":override>";
            List<XmlElement> rootChildren = domain.root().children();
            XmlElement last = rootChildren.get(rootChildren.size() - 1);
            // The block that loses its last argument disappears; the override takes its place at the end.
            if (emptiedBlocks(domain, argsToRemove.stream().map(QemuArg::element).toList()).contains(last)
                    && rootChildren.size() > 1) {
                edits.add(Edits.insertAfter(source, rootChildren.get(rootChildren.size() - 2), block));
            } else {
                edits.add(Edits.appendChildBlock(source, domain.root(), block));
            }
        }
        edits.addAll(removeArgs(domain, argsToRemove));
        return Optional.of(edits);
    }

    /**
     * Removes arguments; a {@code qemu:commandline} left with nothing in it goes as a whole, and the comments its
     * author wrote in it take its place.
     */
    public static List<TextEdit> removeArgs(DomainDef domain, List<QemuArg> args) {
        return removeChildren(domain, args.stream().map(QemuArg::element).toList());
    }

    /** As {@link #removeArgs}, for any children of {@code qemu:commandline} blocks ({@code <qemu:env>} too). */
    public static List<TextEdit> removeChildren(DomainDef domain, List<XmlElement> children) {
        SourceText source = domain.document().source();
        Set<XmlElement> emptied = emptiedBlocks(domain, children);
        List<TextEdit> edits = new ArrayList<>();
        emptied.forEach(block -> edits.add(removeKeepingComments(domain, block)));
        Set<XmlElement> claimed = new HashSet<>();
        for (XmlElement child : children) {
            Optional<XmlElement> block = child.parent();
            if (block.filter(emptied::contains).isEmpty()) {
                edits.add(Edits.removeElement(source, child));
                // Rewriting the block's start tag as it is makes two fixes that thin out the same block overlap, so
                // they run in separate passes and the second sees whether it takes the block's last argument.
                if (block.isPresent() && claimed.add(block.get())) {
                    edits.add(TextEdit.replace(block.get().startTag(), source.text().substring(
                            block.get().startTag().start(), block.get().startTag().end())));
                }
            }
        }
        return edits;
    }

    /**
     * Inserts {@code <P:arg value='...'/>} elements right after {@code anchor}, one per value, in the prefix and
     * quotes of the anchor.
     */
    public static TextEdit insertArgsAfter(DomainDef domain, QemuArg anchor, List<String> values) {
        XmlElement element = anchor.element();
        char quote = element.attribute("value").map(a -> a.quote()).orElse(Edits.quoteOf(domain.document()));
        List<String> lines = values.stream()
                .map(value -> "<" + element.qualifiedName() + " value=" + quoted(value, quote) + "/>")
                .toList();
        return Edits.insertAfter(domain.document().source(), element, String.join("\n", lines));
    }

    /**
     * Appends arguments to the domain's {@code qemu:commandline}, or adds one as the last child of
     * {@code <domain>} (declaring the namespace when needed); empty while VL501 has a block of this kind to fix
     * first (see {@link #namespace}).
     */
    public static Optional<List<TextEdit>> appendArgs(DomainDef domain, List<String> values) {
        Optional<Namespace> namespace = namespace(domain, QemuBlock.Kind.COMMANDLINE);
        if (namespace.isEmpty()) {
            return Optional.empty();
        }
        String prefix = namespace.get().prefix();
        char quote = Edits.quoteOf(domain.document());
        List<String> lines = values.stream()
                .map(value -> "<" + prefix + ":arg value=" + quoted(value, quote) + "/>")
                .toList();
        SourceText source = domain.document().source();
        List<TextEdit> edits = new ArrayList<>();
        namespace.get().declaration().ifPresent(edits::add);
        Optional<QemuBlock> commandline = domain.qemuBlocks().stream()
                .filter(block -> block.kind() == QemuBlock.Kind.COMMANDLINE && block.isHonoured())
                .findFirst();
        if (commandline.isPresent()) {
            edits.add(Edits.appendChildBlock(source, commandline.get().element(), String.join("\n", lines)));
        } else {
            edits.add(Edits.appendChildBlock(source, domain.root(), "<" + prefix + ":commandline>\n"
                    + tabbed(lines, 1) + "\n</" + prefix + ":commandline>"));
        }
        return Optional.of(edits);
    }

    /** Replaces the value of an existing argument, in its own quotes. */
    public static TextEdit replaceArgValue(QemuArg arg, String value) {
        var attribute = arg.element().attribute("value").orElseThrow();
        return TextEdit.replace(attribute.valueSpan(), Edits.escapeAttribute(value, attribute.quote()));
    }

    private static TextEdit removeKeepingComments(DomainDef domain, XmlElement block) {
        SourceText source = domain.document().source();
        List<String> comments = domain.document().comments().stream()
                .filter(comment -> comment.span().start() > block.startTag().start()
                        && comment.span().end() < block.endTag().end())
                .map(comment -> source.text().substring(comment.span().start(), comment.span().end()))
                .toList();
        if (comments.isEmpty()) {
            return Edits.removeElement(source, block);
        }
        String separator = source.lineSeparator() + Edits.indentationOf(source, block);
        return TextEdit.replace(block.span(), String.join(separator, comments));
    }

    private static Set<XmlElement> emptiedBlocks(DomainDef domain, List<XmlElement> children) {
        Set<XmlElement> removed = new HashSet<>(children);
        Set<XmlElement> emptied = new HashSet<>();
        for (QemuBlock block : domain.qemuBlocks()) {
            if (block.kind() == QemuBlock.Kind.COMMANDLINE && !block.element().children().isEmpty()
                    && removed.containsAll(block.element().children())) {
                emptied.add(block.element());
            }
        }
        return emptied;
    }

    private record Namespace(String prefix, Optional<TextEdit> declaration) {
    }

    /**
     * The prefix new {@code kind} content is written in. Empty while a block of that kind is not honoured: VL501's
     * fix turns it into libvirt's block, and content added beside it now would then be a second block, which
     * libvirt's schema rejects, and arguments searched for among the honoured ones would be missed in it. After
     * VL501's pass the fixer re-lints and the content goes into that block. Empty too when the file binds the
     * {@code qemu} prefix to some other namespace.
     */
    private static Optional<Namespace> namespace(DomainDef domain, QemuBlock.Kind kind) {
        if (domain.qemuBlocks().stream().anyMatch(block -> block.kind() == kind && !block.isHonoured())) {
            return Optional.empty();
        }
        Map<String, String> declared = domain.document().rootNamespaceDeclarations();
        for (Map.Entry<String, String> entry : declared.entrySet()) {
            if (entry.getValue().equals(DomainDef.QEMU_NAMESPACE) && !entry.getKey().isEmpty()) {
                return Optional.of(new Namespace(entry.getKey(), Optional.empty()));
            }
        }
        if (declared.containsKey(DEFAULT_PREFIX)) {
            return Optional.empty();
        }
        return Optional.of(new Namespace(DEFAULT_PREFIX, Optional.of(Edits.addAttribute(domain.document(),
                domain.root(), "xmlns:" + DEFAULT_PREFIX, DomainDef.QEMU_NAMESPACE))));
    }

    private static String quoted(String value, char quote) {
        return quote + Edits.escapeAttribute(value, quote) + quote;
    }

    /** Indents every line of each block by {@code depth} levels, in {@link Edits#insertChildBlock}'s notation. */
    private static String tabbed(List<String> blocks, int depth) {
        List<String> lines = new ArrayList<>();
        for (String block : blocks) {
            for (String line : block.split("\n")) {
                lines.add("\t".repeat(depth) + line);
            }
        }
        return String.join("\n", lines);
    }
}
