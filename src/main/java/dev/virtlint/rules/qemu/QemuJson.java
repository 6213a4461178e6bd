package dev.virtlint.rules.qemu;

import java.io.IOException;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;

/**
 * Checks an option value the way QEMU parses JSON on its command line: standard JSON plus single-quoted
 * strings (libvirt users write {@code {'driver':'ivshmem-plain'}}), no duplicate keys, and exactly one value,
 * which must be an object.
 */
final class QemuJson {
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private QemuJson() {
    }

    /** What is wrong with the text, with the character it happens at; empty when QEMU can parse it. */
    static Optional<String> problem(String text) {
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                return Optional.of("it is not a JSON object");
            }
            parser.skipChildren();
            if (parser.nextToken() != null) {
                return Optional.of("text follows the JSON object at character "
                        + (parser.currentTokenLocation().getCharOffset() + 1));
            }
            return Optional.empty();
        } catch (JsonProcessingException e) {
            String reason = e.getOriginalMessage().lines().findFirst().orElse("not JSON");
            return Optional.of("at character " + (e.getLocation().getCharOffset() + 1) + ": " + reason);
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        }
    }
}
