package dev.virtlint.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VersionTest {

    @Test
    void parsesTwoAndThreeComponents() {
        assertEquals(new Version(10, 0, 0), Version.parse("10.0"));
        assertEquals(new Version(10, 0, 2), Version.parse("10.0.2"));
        assertEquals(new Version(7, 1, 0), Version.parse("7.1"));
        assertEquals(new Version(4, 0, 1), Version.parse("4.0.1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10", "10.", ".1", "10.0.2.1", "v10.0", "10.0-rc1", "07.1", "1 0.0", "99999999.0"})
    void rejectsAnythingElse(String text) {
        assertEquals(Optional.empty(), Version.tryParse(text));
        assertThrows(IllegalArgumentException.class, () -> Version.parse(text));
    }

    @Test
    void ordersNumericallyNotLexically() {
        List<Version> sorted = List.of("2.12", "2.4", "10.0", "9.2", "4.0.1", "4.0").stream()
                .map(Version::parse).sorted().toList();
        assertEquals(List.of("2.4", "2.12", "4.0", "4.0.1", "9.2", "10.0"), sorted.stream().map(Version::toString).toList());
    }

    @Test
    void comparesSeriesIgnoringMicro() {
        Version stable = Version.parse("7.1.3");
        assertTrue(stable.isAtLeast(7, 1));
        assertTrue(stable.isAtMost(7, 1));
        assertFalse(stable.isAtLeast(7, 2));
        assertTrue(Version.parse("4.0.1").isAtMost(4, 0));
        assertEquals(Version.of(10, 0), Version.parse("10.0.2").series());
    }
}
