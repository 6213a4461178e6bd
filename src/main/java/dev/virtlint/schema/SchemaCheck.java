package dev.virtlint.schema;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.virtlint.xml.XmlDocument;

/**
 * A document checked against libvirt's domain schema in a directory, or why it could not be.
 *
 * @param unavailable why the schema could not be used; empty when the document was checked
 */
public record SchemaCheck(List<SchemaViolation> violations, Optional<String> unavailable) {
    /**
     * Each directory's schema, compiled once per process on first use (a run checks every file against the same
     * one), or why it cannot be; a run that never checks schemas never pays for the compilation.
     */
    private static final Map<Path, Compiled> COMPILED = new ConcurrentHashMap<>();
    /**
     * The last document each thread checked: the linter runs every rule once per host it checks a domain on, on
     * one thread, and the schema's verdict is the same on all of them.
     */
    private static final ThreadLocal<Checked> LAST = new ThreadLocal<>();

    private record Compiled(Optional<DomainSchema> schema, String unavailable) {
    }

    private record Checked(XmlDocument document, Path schemaDirectory, SchemaCheck check) {
    }

    public SchemaCheck {
        violations = List.copyOf(violations);
    }

    public static SchemaCheck of(XmlDocument document, Path schemaDirectory) {
        Checked last = LAST.get();
        if (last != null && last.document() == document && last.schemaDirectory().equals(schemaDirectory)) {
            return last.check();
        }
        Compiled compiled = compiled(schemaDirectory);
        SchemaCheck check = compiled.schema()
                .map(schema -> new SchemaCheck(SchemaValidator.validate(schema, document), Optional.empty()))
                .orElseGet(() -> new SchemaCheck(List.of(), Optional.of(compiled.unavailable())));
        LAST.set(new Checked(document, schemaDirectory, check));
        return check;
    }

    /**
     * Starts compiling the schema on a daemon thread, so that on a one-file run the compilation overlaps reading,
     * parsing and the other rules instead of adding to them; a check that comes first waits for it.
     */
    public static void compileAhead(Path schemaDirectory) {
        if (!COMPILED.containsKey(schemaDirectory.toAbsolutePath().normalize())) {
            Thread compiler = new Thread(() -> compiled(schemaDirectory), "libvirt-schema-compiler");
            compiler.setDaemon(true);
            compiler.start();
        }
    }

    private static Compiled compiled(Path schemaDirectory) {
        return COMPILED.computeIfAbsent(schemaDirectory.toAbsolutePath().normalize(), SchemaCheck::compile);
    }

    private static Compiled compile(Path directory) {
        try {
            return new Compiled(Optional.of(DomainSchema.compile(directory)), "");
        } catch (SchemaUnavailableException e) {
            return new Compiled(Optional.empty(), e.getMessage());
        }
    }
}
