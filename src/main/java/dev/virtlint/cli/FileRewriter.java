package dev.virtlint.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import dev.virtlint.config.SuppressionWriter;
import dev.virtlint.config.Suppressions;
import dev.virtlint.fix.AtomicFileWriter;
import dev.virtlint.fix.FixApplier;
import dev.virtlint.fix.UnifiedDiff;
import dev.virtlint.lint.FileResult;
import dev.virtlint.rules.Finding;
import dev.virtlint.xml.SafeXmlLoader;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.TextEdit;
import dev.virtlint.xml.XmlDocument;
import dev.virtlint.xml.XmlLoadException;

/**
 * Decides what a linted file's findings turn into on disk: with --fix or --diff its fixes, with --add-suppressions
 * a suppression of each finding, spliced in and re-linted, then written atomically in place or to --fix-output,
 * or put on standard output (fixed XML from standard input, or the diff). Which file is written, and when nothing
 * is, follows from these options together, so they are decided here in one place; a file that cannot be written
 * stays unchanged and says why.
 */
final class FileRewriter {
    private final boolean fix;
    private final boolean diff;
    private final Optional<Path> fixOutput;
    private final Optional<String> suppressionReason;
    private final long maxFileSize;

    /**
     * {@code suppressionReason} is present with --add-suppressions, blank when it gives no reason;
     * {@code maxFileSize} bounds the re-parse before suppressions are written.
     */
    FileRewriter(boolean fix, boolean diff, Optional<Path> fixOutput, Optional<String> suppressionReason,
                 long maxFileSize) {
        this.fix = fix;
        this.diff = diff;
        this.fixOutput = fixOutput;
        this.suppressionReason = suppressionReason;
        this.maxFileSize = maxFileSize;
    }

    /** Whether standard output carries fixed XML or the diff in this run, so that the report must go elsewhere. */
    boolean writesStandardOutput(List<Input> inputs) {
        boolean fixedXmlOnStdout = (fix && !diff || suppressionReason.isPresent()) && fixOutput.isEmpty()
                && inputs.stream().anyMatch(i -> i instanceof Input.StandardInput);
        return fixedXmlOnStdout || diff;
    }

    /** Fixes, diffs or suppresses one linted file when asked; a file that failed or was skipped stays as it is. */
    ProcessedFile rewrite(LintSetup.Profile profile, Input input, FileResult result) {
        if (result.error().isPresent() || result.skipped()) {
            return ProcessedFile.of(result, profile.threshold());
        }
        if (fix || diff) {
            return applyFixes(profile, input, result);
        }
        if (suppressionReason.isPresent()) {
            return suppressAll(profile, input, result);
        }
        return ProcessedFile.of(result, profile.threshold());
    }

    /**
     * Fixes one file: splice, re-lint until nothing changes, then write (or print the diff). A fix that
     * does not converge, or a write that fails, leaves the file untouched and is reported as an error.
     */
    private ProcessedFile applyFixes(LintSetup.Profile profile, Input input, FileResult result) {
        FixApplier applier = profile.applier();
        boolean fixedToStandardOutput = fix && !diff && input instanceof Input.StandardInput && fixOutput.isEmpty();
        if (result.findings().isEmpty()) {
            if (fix && !diff && fixOutput.isPresent()) {
                // --fix-output names the file the next command reads, so it is written even when nothing changed.
                try {
                    AtomicFileWriter.write(fixOutput.get(), AtomicFileWriter.encode(result.source().orElseThrow()));
                } catch (IOException e) {
                    return unwritable(result, e, profile);
                }
            }
            return new ProcessedFile(result, fixedToStandardOutput
                    ? AtomicFileWriter.encode(result.source().orElseThrow()) : new byte[0], false, 0, 0,
                    profile.threshold());
        }
        SourceText original = result.source().orElseThrow();
        FixApplier.Outcome outcome = applier.apply(original, result);
        if (!outcome.converged()) {
            return ProcessedFile.of(FileResult.failed(new XmlLoadException(XmlLoadException.Kind.INTERNAL,
                    result.displayName(), 1, 1, "the fixes of " + String.join(", ", outcome.unconvergedRules())
                    + " did not converge after " + FixApplier.MAX_PASSES + " passes; nothing was written")),
                    profile.threshold());
        }
        int fixed = Math.max(0, result.findings().size() - outcome.result().findings().size());
        boolean changed = outcome.changed(original);
        byte[] standardOutput = new byte[0];
        if (diff && changed) {
            standardOutput = UnifiedDiff.of(result.displayName(), original.text(), outcome.text().text())
                    .getBytes(StandardCharsets.UTF_8);
        }
        if (diff) {
            // Shown, not written (also with --fix, as in ruff): what is reported is the file as it stays.
            return new ProcessedFile(result, standardOutput, changed, changed ? fixed : 0, 0, profile.threshold());
        }
        try {
            standardOutput = write(input, result, outcome.text(), changed, standardOutput);
        } catch (IOException e) {
            return unwritable(result, e, profile);
        }
        return new ProcessedFile(outcome.result(), standardOutput, changed, changed ? fixed : 0, 0,
                profile.threshold());
    }

    /**
     * Suppresses every finding of one file in its metadata, then re-lints it. VL900 findings are not
     * suppressed: their fix (removing the unused suppression) is the answer to them.
     */
    private ProcessedFile suppressAll(LintSetup.Profile profile, Input input, FileResult result) {
        SourceText original = result.source().orElseThrow();
        Set<String> rules = new TreeSet<>();
        for (Finding finding : result.findings()) {
            if (!finding.rule().id().equals(Suppressions.UNUSED_SUPPRESSION)) {
                rules.add(finding.rule().id());
            }
        }
        Optional<TextEdit> edit;
        try {
            XmlDocument document = new SafeXmlLoader(maxFileSize).parse(original);
            edit = SuppressionWriter.suppress(document, rules,
                    suppressionReason.filter(reason -> !reason.isBlank()));
        } catch (XmlLoadException e) {
            return ProcessedFile.of(FileResult.failed(e), profile.threshold());
        }
        boolean stdin = input instanceof Input.StandardInput;
        if (edit.isEmpty()) {
            return new ProcessedFile(result, stdin ? AtomicFileWriter.encode(original) : new byte[0], false, 0, 0,
                    profile.threshold());
        }
        String text = original.text();
        SourceText suppressed = new SourceText(original.displayName(), text.substring(0, edit.get().start())
                + edit.get().replacement() + text.substring(edit.get().end()), original.charset(),
                original.hasByteOrderMark());
        FileResult after = profile.linter().lint(suppressed);
        byte[] standardOutput;
        try {
            standardOutput = write(input, result, suppressed, true, new byte[0]);
        } catch (IOException e) {
            return unwritable(result, e, profile);
        }
        int count = (int) result.findings().stream().filter(f -> rules.contains(f.rule().id())).count();
        return new ProcessedFile(after, standardOutput, true, 0, count, profile.threshold());
    }

    /** Writes changed text where it belongs: --fix-output, standard output for standard input, or in place. */
    private byte[] write(Input input, FileResult result, SourceText text, boolean changed, byte[] standardOutput)
            throws IOException {
        byte[] bytes = AtomicFileWriter.encode(text);
        if (fixOutput.isPresent()) {
            AtomicFileWriter.write(fixOutput.get(), bytes);
        } else if (input instanceof Input.StandardInput) {
            return bytes;
        } else if (changed) {
            AtomicFileWriter.write(Path.of(result.displayName()), bytes);
        }
        return standardOutput;
    }

    /** The findings of the file as it stays, then why the fixes were not written. */
    private static ProcessedFile unwritable(FileResult result, IOException e, LintSetup.Profile profile) {
        return ProcessedFile.of(result.unwritten(new XmlLoadException(XmlLoadException.Kind.UNWRITABLE,
                result.displayName(), 1, 1, AtomicFileWriter.reason(e) + "; the file is unchanged")),
                profile.threshold());
    }
}
