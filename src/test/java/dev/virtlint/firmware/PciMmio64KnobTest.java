package dev.virtlint.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PciMmio64KnobTest {
    private static final OvmfRelease CURRENT = OvmfRelease.EDK2_2022_11;

    @Test
    void decimalMibIsUsed() {
        PciMmio64Knob knob = PciMmio64Knob.read("65536", CURRENT);
        assertEquals(PciMmio64Knob.State.USED, knob.state());
        assertEquals(64L << 30, knob.bytes());
        assertEquals(PciMmio64Knob.State.USED, PciMmio64Knob.read("65536\r\n", CURRENT).state());
        assertEquals(PciMmio64Knob.State.USED, PciMmio64Knob.read("16777216", CURRENT).state(), "exactly 16 TiB");
    }

    @Test
    void otherSpellingsAreIgnored() {
        for (String value : new String[] {"64G", "0x10000", "-1", " 65536", "65536 MiB", "1e5", ""}) {
            assertEquals(PciMmio64Knob.State.IGNORED, PciMmio64Knob.read(value, CURRENT).state(), value);
        }
        assertEquals(PciMmio64Knob.State.IGNORED, PciMmio64Knob.read("16777217", CURRENT).state(), "above 16 TiB");
        assertEquals(PciMmio64Knob.State.IGNORED, PciMmio64Knob.read("99999999999", CURRENT).state(), "above 32 bits");
    }

    @Test
    void releasesBefore202005ReadSevenDigits() {
        OvmfRelease old = OvmfRelease.parse("2019.11").orElseThrow();
        assertEquals(PciMmio64Knob.State.USED, PciMmio64Knob.read("9999999", old).state());
        assertEquals(PciMmio64Knob.State.IGNORED, PciMmio64Knob.read("10000000", old).state());
    }
}
