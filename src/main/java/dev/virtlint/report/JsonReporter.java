package dev.virtlint.report;

import java.io.IOException;
import java.io.OutputStream;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.virtlint.lint.FileResult;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;
import dev.virtlint.xml.Position;
import dev.virtlint.xml.TextEdit;

/**
 * One JSON document, streamed: files are written as they arrive, the summary at the end. Positions are
 * 1-based lines and code-point columns; edit offsets are character offsets into the decoded file.
 */
public final class JsonReporter implements Reporter {
    private final JsonGenerator json;
    private final ObjectMapper mapper = new ObjectMapper();

    public JsonReporter(OutputStream out) throws IOException {
        this.json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        json.useDefaultPrettyPrinter();
        json.writeStartObject();
        json.writeArrayFieldStart("files");
    }

    @Override
    public void file(FileResult result) throws IOException {
        if (result.skipped()) {
            return;
        }
        json.writeStartObject();
        json.writeStringField("path", result.displayName());
        if (result.error().isPresent()) {
            var error = result.error().get();
            json.writeObjectFieldStart("error");
            json.writeStringField("kind", error.kind().label());
            json.writeNumberField("line", error.line());
            json.writeNumberField("column", error.column());
            json.writeStringField("message", error.getMessage());
            json.writeEndObject();
        }
        json.writeArrayFieldStart("findings");
        for (Finding finding : result.findings()) {
            writeFinding(finding);
        }
        json.writeEndArray();
        json.writeEndObject();
        json.flush();
    }

    private void writeFinding(Finding finding) throws IOException {
        Position start = finding.start();
        Position end = finding.end();
        json.writeStartObject();
        json.writeStringField("rule", finding.rule().id());
        json.writeStringField("name", finding.rule().name());
        json.writeStringField("severity", finding.severity().label());
        json.writeNumberField("line", start.line());
        json.writeNumberField("column", start.column());
        json.writeNumberField("endLine", end.line());
        json.writeNumberField("endColumn", end.column());
        json.writeStringField("message", finding.message());
        json.writeFieldName("data");
        mapper.writeValue(json, finding.data());
        json.writeFieldName("fix");
        if (finding.fix().isEmpty()) {
            json.writeNull();
        } else {
            writeFix(finding.fix().get());
        }
        json.writeEndObject();
    }

    private void writeFix(Fix fix) throws IOException {
        json.writeStartObject();
        json.writeStringField("description", fix.description());
        json.writeStringField("safety", fix.safety().name().toLowerCase(java.util.Locale.ROOT));
        json.writeArrayFieldStart("edits");
        for (TextEdit edit : fix.edits()) {
            json.writeStartObject();
            json.writeNumberField("start", edit.start());
            json.writeNumberField("end", edit.end());
            json.writeStringField("replacement", edit.replacement());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    @Override
    public void finish(Summary summary) throws IOException {
        json.writeEndArray();
        json.writeObjectFieldStart("summary");
        json.writeNumberField("files", summary.files());
        json.writeNumberField("findings", summary.findings());
        json.writeNumberField("errors", summary.errors());
        json.writeNumberField("warnings", summary.warnings());
        json.writeNumberField("infos", summary.infos());
        json.writeNumberField("failed", summary.failed());
        json.writeNumberField("unwritten", summary.unwritten());
        json.writeNumberField("skipped", summary.skipped());
        SkippedChecks skipped = summary.skippedChecks();
        if (!skipped.isEmpty()) {
            // Each file keeps its own VL901 finding (which facts it lacked); this is the run's one note on them.
            json.writeObjectFieldStart("checksSkipped");
            json.writeStringField("severity", skipped.severity().label());
            json.writeStringField("message", skipped.message(summary.files()));
            json.writeFieldName("files");
            mapper.writeValue(json, skipped.files());
            json.writeFieldName("gaps");
            mapper.writeValue(json, skipped.merged());
            json.writeEndObject();
        }
        json.writeEndObject();
        json.writeEndObject();
        json.writeRaw('\n');
        json.flush();
    }
}
