package dev.virtlint.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MemorySizeTest {

    @ParameterizedTest(name = "{0} {1} = {2} bytes")
    @CsvSource({
        "3, b, 3", "3, bytes, 3", "3, byte, 3",
        "2, K, 2048", "2, KiB, 2048", "2, KB, 2000", "2, k, 2048", "2, kib, 2048", "2, kb, 2000",
        "2, M, 2097152", "2, MiB, 2097152", "2, MB, 2000000",
        "2, G, 2147483648", "2, GiB, 2147483648", "2, GB, 2000000000",
        "2, T, 2199023255552", "2, TiB, 2199023255552", "2, TB, 2000000000000",
        "2, P, 2251799813685248", "2, PiB, 2251799813685248", "2, PB, 2000000000000000",
        "2, E, 2305843009213693952", "2, EiB, 2305843009213693952", "2, EB, 2000000000000000000",
    })
    void everyLibvirtUnit(String value, String unit, long bytes) throws InvalidValueException {
        assertEquals(bytes, MemorySize.parse(value, unit, "KiB").bytes());
    }

    @ParameterizedTest
    @ValueSource(strings = {"GiBs", "Gi", "X", "KiBB", "kilobytes", "iB"})
    void unknownUnitsAreRefused(String unit) {
        assertThrows(InvalidValueException.class, () -> MemorySize.parse("1", unit, "KiB"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "1.5", "0x10", "ten", "+4"})
    void nonIntegersAreRefused(String value) {
        assertThrows(InvalidValueException.class, () -> MemorySize.parse(value, "KiB", "KiB"));
    }

    @org.junit.jupiter.api.Test
    void noUnitMeansTheDefaultAndWhitespaceIsTrimmed() throws InvalidValueException {
        assertEquals(16L * 1024 * 1024 * 1024, MemorySize.parse(" 16777216\n", null, "KiB").bytes());
        assertEquals(16L * 1024 * 1024 * 1024, MemorySize.parse("16777216", " ", "KiB").bytes());
    }

    @org.junit.jupiter.api.Test
    void valuesNear2To64AreRefusedNotWrapped() throws InvalidValueException {
        assertEquals(Long.MAX_VALUE, MemorySize.parse("9223372036854775807", "b", "KiB").bytes());
        assertThrows(InvalidValueException.class, () -> MemorySize.parse("9223372036854775808", "b", "KiB"));
        assertThrows(InvalidValueException.class, () -> MemorySize.parse("18446744073709551615", "KiB", "KiB"));
        assertThrows(InvalidValueException.class, () -> MemorySize.parse("8", "EiB", "KiB"));
        assertThrows(InvalidValueException.class,
                () -> MemorySize.parse("99999999999999999999999999999999", "KiB", "KiB"));
    }

    @org.junit.jupiter.api.Test
    void libvirtRoundsUpToWholeKibibytes() throws InvalidValueException {
        assertEquals(1, MemorySize.parse("1", "b", "KiB").kibRoundedUp());
        assertEquals(1, MemorySize.parse("1024", "b", "KiB").kibRoundedUp());
        assertEquals(2, MemorySize.parse("1025", "b", "KiB").kibRoundedUp());
        assertEquals(976563, MemorySize.parse("1", "GB", "KiB").kibRoundedUp());
    }

    @org.junit.jupiter.api.Test
    void formatsInBinaryUnits() {
        assertEquals("16 GiB", MemorySize.format(16L << 30));
        assertEquals("975.5 GiB", MemorySize.format(9755L * (1L << 30) / 10));
        assertEquals("0 B", MemorySize.format(0));
    }
}
