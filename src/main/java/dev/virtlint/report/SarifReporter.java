package dev.virtlint.report;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.virtlint.lint.FileResult;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleDocs;
import dev.virtlint.rules.RuleMeta;
import dev.virtlint.rules.Severity;
import dev.virtlint.xml.Position;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.TextEdit;

/**
 * SARIF 2.1.0, the format GitHub code scanning and SARIF viewers read: one run whose driver lists every
 * rule with its documentation, one result per finding with its region, the element's path as a logical
 * location, stable fingerprints and the fix as replacements. Results are streamed as files arrive; files
 * that could not be read become error notifications of the invocation, and VL901 (checks skipped for lack of
 * host facts) one notification for the whole run.
 *
 * <p>Columns count Unicode code points, as in every other virt-lint output, and {@code columnKind} says so.
 * Relative paths are relative to the working directory, named {@code %SRCROOT%}: run virt-lint from the
 * repository root and GitHub matches them to its files.
 */
public final class SarifReporter implements Reporter {
    public static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";
    private static final String SOURCE_ROOT = "%SRCROOT%";
    private static final Pattern WHAT_IT_DOES = Pattern.compile("(?s)## What it does\\s*\\n(.*?)(?:\\n## |$)");

    private final JsonGenerator json;
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<Rule> rules;
    private final Map<String, Integer> ruleIndex = new HashMap<>();
    private final ArrayNode notifications;

    public SarifReporter(OutputStream out, List<Rule> rules, String toolVersion) throws IOException {
        this.rules = List.copyOf(rules);
        for (int i = 0; i < rules.size(); i++) {
            ruleIndex.put(rules.get(i).meta().id(), i);
        }
        this.notifications = mapper.createArrayNode();
        this.json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        json.useDefaultPrettyPrinter();
        json.writeStartObject();
        json.writeStringField("$schema", SCHEMA);
        json.writeStringField("version", "2.1.0");
        json.writeArrayFieldStart("runs");
        json.writeStartObject();
        json.writeFieldName("tool");
        mapper.writeTree(json, tool(toolVersion));
        json.writeStringField("columnKind", "unicodeCodePoints");
        json.writeFieldName("originalUriBaseIds");
        ObjectNode base = mapper.createObjectNode();
        base.putObject(SOURCE_ROOT).put("uri", workingDirectoryUri());
        mapper.writeTree(json, base);
        json.writeArrayFieldStart("results");
    }

    private ObjectNode tool(String version) {
        ObjectNode driver = mapper.createObjectNode();
        driver.put("name", "virt-lint");
        driver.put("semanticVersion", version);
        ArrayNode descriptors = driver.putArray("rules");
        for (Rule rule : rules) {
            descriptors.add(descriptor(rule.meta()));
        }
        ObjectNode tool = mapper.createObjectNode();
        tool.set("driver", driver);
        return tool;
    }

    private ObjectNode descriptor(RuleMeta meta) {
        String markdown = RuleDocs.markdown(meta).orElse("# " + meta.id() + " " + meta.name() + "\n\n" + meta.summary());
        Matcher whatItDoes = WHAT_IT_DOES.matcher(markdown);
        String full = whatItDoes.find() ? whatItDoes.group(1).strip().replaceAll("\\s*\\n\\s*", " ") : meta.summary();
        ObjectNode rule = mapper.createObjectNode();
        rule.put("id", meta.id());
        rule.put("name", meta.name());
        rule.putObject("shortDescription").put("text", meta.summary());
        rule.putObject("fullDescription").put("text", full);
        // The whole rule document travels in the log (GitHub shows help.markdown); there is no helpUri
        // until the documentation is published somewhere a link would not be dead.
        rule.putObject("help").put("text", markdown).put("markdown", markdown);
        rule.putObject("defaultConfiguration").put("level", level(meta.severity()));
        ObjectNode properties = rule.putObject("properties");
        ArrayNode tags = properties.putArray("tags").add("libvirt");
        // SARIF tags are a set: the libvirt family's label is already there.
        if (!meta.family().label().equals("libvirt")) {
            tags.add(meta.family().label());
        }
        properties.put("precision", "high");
        properties.put("problem.severity", switch (meta.severity()) {
            case ERROR -> "error";
            case WARNING -> "warning";
            case INFO -> "recommendation";
        });
        return rule;
    }

    @Override
    public void file(FileResult result) throws IOException {
        if (result.error().isPresent()) {
            var error = result.error().get();
            ObjectNode notification = notifications.addObject();
            notification.put("level", "error");
            notification.putObject("message").put("text", error.kind().label() + ": " + error.getMessage());
            ObjectNode physical = notification.putArray("locations").addObject().putObject("physicalLocation");
            artifact(physical.putObject("artifactLocation"), result.displayName());
            physical.putObject("region").put("startLine", error.line()).put("startColumn", error.column());
        }
        if (result.skipped() || result.source().isEmpty()) {
            return;
        }
        Map<String, Integer> occurrences = new HashMap<>();
        for (Finding finding : result.findings()) {
            if (!SkippedChecks.isSkippedChecks(finding)) {
                mapper.writeTree(json, result(result.displayName(), result.source().get(), finding, occurrences));
            }
        }
        json.flush();
    }

    private ObjectNode result(String displayName, SourceText source, Finding finding,
                              Map<String, Integer> occurrences) {
        ObjectNode result = mapper.createObjectNode();
        result.put("ruleId", finding.rule().id());
        Integer index = ruleIndex.get(finding.rule().id());
        if (index != null) {
            result.put("ruleIndex", index);
        }
        result.put("level", level(finding.severity()));
        result.putObject("message").put("text", finding.message());
        ObjectNode location = result.putArray("locations").addObject();
        ObjectNode physical = location.putObject("physicalLocation");
        artifact(physical.putObject("artifactLocation"), displayName);
        region(physical.putObject("region"), finding.start(), finding.end());
        finding.elementPath().ifPresent(path -> location.putArray("logicalLocations").addObject()
                .put("name", path.substring(path.lastIndexOf('/') + 1))
                .put("fullyQualifiedName", path)
                .put("kind", "element"));
        ObjectNode fingerprints = result.putObject("partialFingerprints");
        String lineHash = hash(finding.rule().id(), lineText(source, finding.start().line()).replaceAll("\\s+", ""));
        int occurrence = occurrences.merge(lineHash, 1, Integer::sum);
        fingerprints.put("primaryLocationLineHash", lineHash + ":" + occurrence);
        finding.elementPath().ifPresent(path -> fingerprints.put("elementPathHash/v1", hash(finding.rule().id(), path)));
        finding.fix().ifPresent(fix -> result.putArray("fixes").add(fix(displayName, source, fix)));
        if (!finding.data().isEmpty()) {
            result.putObject("properties").set("data", mapper.valueToTree(finding.data()));
        }
        return result;
    }

    private ObjectNode fix(String displayName, SourceText source, Fix fix) {
        ObjectNode node = mapper.createObjectNode();
        node.putObject("description").put("text", fix.description());
        ObjectNode change = node.putArray("artifactChanges").addObject();
        artifact(change.putObject("artifactLocation"), displayName);
        ArrayNode replacements = change.putArray("replacements");
        for (TextEdit edit : fix.edits()) {
            ObjectNode replacement = replacements.addObject();
            region(replacement.putObject("deletedRegion"), source.positionOf(edit.start()),
                    source.positionOf(edit.end()));
            if (!edit.replacement().isEmpty()) {
                replacement.putObject("insertedContent").put("text", edit.replacement());
            }
        }
        node.putObject("properties").put("safety", fix.safety().name().toLowerCase(Locale.ROOT));
        return node;
    }

    /** SARIF's end column is exclusive, as virt-lint's end positions are. */
    private static void region(ObjectNode region, Position start, Position end) {
        region.put("startLine", start.line()).put("startColumn", start.column())
                .put("endLine", end.line()).put("endColumn", end.column());
    }

    private static void artifact(ObjectNode location, String displayName) {
        Path path;
        try {
            path = Path.of(displayName);
        } catch (InvalidPathException e) {
            location.put("uri", encode(displayName));
            return;
        }
        if (path.isAbsolute()) {
            location.put("uri", path.normalize().toUri().toString());
        } else {
            location.put("uri", encode(displayName.replace('\\', '/')));
            location.put("uriBaseId", SOURCE_ROOT);
        }
    }

    /** A relative reference with every character a URI cannot hold percent-encoded. */
    private static String encode(String path) {
        try {
            return new URI(null, null, path, null).toASCIIString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String workingDirectoryUri() {
        return Path.of("").toAbsolutePath().toUri().toString();
    }

    private static String lineText(SourceText source, int line) {
        int start = source.lineStart(line);
        int end = line < source.lineCount() ? source.lineStart(line + 1) : source.text().length();
        return source.text().substring(start, end);
    }

    private static String hash(String ruleId, String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(ruleId.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    static String level(Severity severity) {
        return switch (severity) {
            case ERROR -> "error";
            case WARNING -> "warning";
            case INFO -> "note";
        };
    }

    /**
     * VL901 is about the run (the host facts it lacks), not a place in a file: one notification naming the rule
     * and every file it concerns, instead of a result per file.
     */
    private ObjectNode skippedChecks(SkippedChecks skipped, int filesLinted) {
        ObjectNode notification = mapper.createObjectNode();
        notification.put("level", level(skipped.severity()));
        notification.putObject("message").put("text", skipped.message(filesLinted));
        ObjectNode rule = notification.putObject("associatedRule").put("id", skipped.rule().id());
        Integer index = ruleIndex.get(skipped.rule().id());
        if (index != null) {
            rule.put("index", index);
        }
        ArrayNode locations = notification.putArray("locations");
        for (String file : skipped.files()) {
            artifact(locations.addObject().putObject("physicalLocation").putObject("artifactLocation"), file);
        }
        notification.putObject("properties").set("gaps", mapper.valueToTree(skipped.merged()));
        return notification;
    }

    @Override
    public void finish(Summary summary) throws IOException {
        json.writeEndArray();
        json.writeArrayFieldStart("invocations");
        ObjectNode invocation = mapper.createObjectNode();
        invocation.put("executionSuccessful", summary.failed() == 0 && summary.unwritten() == 0);
        if (!summary.skippedChecks().isEmpty()) {
            notifications.add(skippedChecks(summary.skippedChecks(), summary.files()));
        }
        if (!notifications.isEmpty()) {
            invocation.set("toolExecutionNotifications", notifications);
        }
        invocation.putObject("workingDirectory").put("uri", workingDirectoryUri());
        mapper.writeTree(json, invocation);
        json.writeEndArray();
        json.writeEndObject();
        json.writeEndArray();
        json.writeEndObject();
        json.writeRaw('\n');
        json.flush();
    }
}
