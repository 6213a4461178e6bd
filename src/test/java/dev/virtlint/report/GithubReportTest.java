package dev.virtlint.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.lint.FileResult;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.RuleMeta;
import dev.virtlint.rules.Severity;
import dev.virtlint.support.CliRun;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.Span;

class GithubReportTest {
    private static final RuleMeta RULE = new RuleMeta("VL102", "amd-1tb-relocation", Severity.WARNING, Family.MEMORY,
            "summary");

    @TempDir
    Path dir;

    private static String report(Finding finding) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GithubReporter reporter = new GithubReporter(new PrintStream(out, true, StandardCharsets.UTF_8));
        FileResult result = FileResult.linted(finding.source(), List.of(finding));
        Summary summary = new Summary();
        summary.add(result);
        reporter.file(result);
        reporter.finish(summary);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void oneLineFindingHasColumnsAndEscapedMessage() {
        SourceText source = new SourceText("vms/a,b.xml", "<domain>\n  <memory/>\n</domain>\n", StandardCharsets.UTF_8,
                false);
        Finding finding = new Finding(RULE, Severity.WARNING, source, new Span(11, 20),
                "100% of RAM moves:\nto 1 TiB", Map.of(), Optional.empty());
        assertEquals("::warning file=vms/a%2Cb.xml,line=2,endLine=2,col=3,endColumn=12,"
                + "title=VL102 amd-1tb-relocation::100%25 of RAM moves:%0Ato 1 TiB\n", report(finding));
    }

    @Test
    void multiLineSpanLeavesColumnsOut() {
        SourceText source = new SourceText("vm.xml", "<domain\n  type='kvm'>\n</domain>\n", StandardCharsets.UTF_8,
                false);
        Finding finding = new Finding(new RuleMeta("VL901", "checks-skipped", Severity.INFO, Family.META, "s"),
                Severity.INFO, source, new Span(0, 20), "not checked", Map.of(), Optional.empty());
        assertEquals("::notice file=vm.xml,line=1,endLine=2,title=VL901 checks-skipped::not checked\n",
                report(finding));
    }

    @Test
    void errorsAndLoadFailuresFromTheCommandLine() throws IOException {
        Path bad = dir.resolve("bad.xml");
        Files.writeString(bad, "<domain type='qemu'>\n  <name>x</name>\n"
                + "  <qemu:commandline><qemu:arg value='-S'/></qemu:commandline>\n"
                + "  <os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>\n</domain>\n");
        Path broken = dir.resolve("broken.xml");
        Files.writeString(broken, "<domain>\n");
        CliRun run = CliRun.run("--format", "github", bad.toString(), broken.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.out().contains("::error file=" + bad + ",line=3,endLine=3,col=3,"), run.out());
        assertTrue(run.out().contains("::error file=" + broken + ",line=2,col=1,title=virt-lint%3A malformed XML::"),
                run.out());
    }
}
