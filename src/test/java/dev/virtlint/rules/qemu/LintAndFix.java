package dev.virtlint.rules.qemu;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.virtlint.fix.FixApplier;
import dev.virtlint.host.HostRootReader;
import dev.virtlint.lint.FileResult;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.lint.Linter;
import dev.virtlint.platform.TargetStack;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.xml.SafeXmlLoader;

/** Lints domain XML held in a string, with or without a captured host, and applies one rule's fixes. */
public final class LintAndFix {
    private final Linter linter;

    private LintAndFix(Linter linter) {
        this.linter = linter;
    }

    public static LintAndFix withoutHost() {
        return new LintAndFix(new Linter(new SafeXmlLoader(), RuleRegistry.all()));
    }

    /** With a host root from {@code testdata/hosts/}. */
    public static LintAndFix onHost(String hostRoot) throws IOException {
        Path root = ProjectPaths.testdata().resolve("hosts").resolve(hostRoot);
        return new LintAndFix(new Linter(new SafeXmlLoader(), RuleRegistry.all(),
                LintEnvironment.of(TargetStack.defaults(), Optional.of(HostRootReader.read(root)))));
    }

    public FileResult lint(String xml) {
        return linter.lint("domain.xml", new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    public List<Finding> findings(String xml, String rule) {
        return lint(xml).findings().stream().filter(f -> f.rule().id().equals(rule)).toList();
    }

    /** The text after applying every fix, safe or not, of {@code rule}. */
    public String fix(String xml, String rule) {
        FileResult result = lint(xml);
        return new FixApplier(linter, true, rule::equals).apply(result.source().orElseThrow(), result).text().text();
    }

    public static String fixture(String rule, String name) throws IOException {
        return Files.readString(ProjectPaths.testdata().resolve("rules").resolve(rule).resolve(name));
    }

    /**
     * A domain this machine can hand to libvirt: TCG instead of KVM, firmware left to libvirt's default, host
     * devices (which libvirt refuses without VFIO) dropped.
     */
    public static String runnableHere(String xml) {
        return xml.replaceAll("<!--.*?-->\\s*", "")
                .replace("type='kvm'", "type='qemu'").replace("type=\"kvm\"", "type=\"qemu\"")
                .replace(" firmware='efi'", "").replace(" firmware=\"efi\"", "")
                .replaceAll("(?s)\\s*<loader[^>]*>[^<]*</loader>", "")
                .replaceAll("(?s)\\s*<hostdev .*?</hostdev>", "")
                .replaceAll("machine='pc-q35-[0-9.]+'", "machine='q35'")
                .replaceAll("machine=\"pc-q35-[0-9.]+\"", "machine=\"q35\"");
    }
}
