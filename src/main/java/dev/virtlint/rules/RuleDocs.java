package dev.virtlint.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The Markdown docs under {@code rules/}, bundled into the jar by the build. */
public final class RuleDocs {
    private static final String BASE = "/dev/virtlint/rules/docs/";

    private RuleDocs() {
    }

    public static Optional<String> markdown(RuleMeta rule) {
        try (InputStream in = RuleDocs.class.getResourceAsStream(BASE + rule.docFileName())) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
