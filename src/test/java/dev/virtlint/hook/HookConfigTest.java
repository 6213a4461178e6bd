package dev.virtlint.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.config.ConfigException;
import dev.virtlint.rules.Severity;

class HookConfigTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileIsTheDefaults() throws ConfigException {
        HookConfig config = HookConfig.load(dir.resolve("hook.yaml"));
        assertEquals(HookConfig.defaults(), config);
        assertEquals(Severity.ERROR, config.blockOn());
        assertEquals(Duration.ofSeconds(5), config.timeout());
        assertEquals(FailureMode.FAIL_OPEN, config.failureMode(FailureMode.FAIL_OPEN));
    }

    @Test
    void everyKey() throws ConfigException, IOException {
        Path file = Files.writeString(dir.resolve("hook.yaml"), """
                block-on: warning
                skip-domains: [win11, "lab vm"]
                on-internal-error: fail-closed
                timeout: 750ms
                """);
        HookConfig config = HookConfig.load(file);
        assertEquals(Severity.WARNING, config.blockOn());
        assertEquals(Set.of("win11", "lab vm"), config.skipDomains());
        assertEquals(Optional.of(FailureMode.FAIL_CLOSED), config.onInternalError());
        assertEquals(FailureMode.FAIL_CLOSED, config.failureMode(FailureMode.FAIL_OPEN));
        assertEquals(Duration.ofMillis(750), config.timeout());
        assertEquals(Duration.ofSeconds(12), HookConfig.parse(file, "timeout: 12s").timeout());
        assertEquals(Duration.ofSeconds(3), HookConfig.parse(file, "timeout: 3").timeout());
    }

    @Test
    void mistakesAreOneLineWithTheirPlace() {
        Path file = dir.resolve("hook.yaml");
        assertEquals(file + ":2:1: config error: unknown key 'fail-on'; the keys are block-on, skip-domains,"
                + " on-internal-error, timeout", assertThrows(ConfigException.class,
                () -> HookConfig.parse(file, "block-on: error\nfail-on: warning\n")).oneLine());
        assertTrue(assertThrows(ConfigException.class, () -> HookConfig.parse(file, "block-on: never"))
                .getMessage().startsWith("block-on is error, warning or info"));
        assertTrue(assertThrows(ConfigException.class, () -> HookConfig.parse(file, "on-internal-error: open"))
                .getMessage().contains("fail-open or fail-closed"));
        assertTrue(assertThrows(ConfigException.class, () -> HookConfig.parse(file, "timeout: 0s"))
                .getMessage().contains("outside 1ms to 5 minutes"));
        assertTrue(assertThrows(ConfigException.class, () -> HookConfig.parse(file, "timeout: 2h"))
                .getMessage().contains("a time such as 5s or 500ms"));
        assertTrue(assertThrows(ConfigException.class, () -> HookConfig.parse(file, "- a list"))
                .getMessage().contains("must be a mapping"));
        assertTrue(assertThrows(ConfigException.class, () -> HookConfig.load(dir)).getMessage()
                .contains("is a directory"));
    }
}
