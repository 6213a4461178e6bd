package dev.virtlint.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class NaturalOrderTest {

    @Test
    void numbersInNamesCompareByValue() {
        List<String> names = new ArrayList<>(List.of("dmar10", "ivhd0", "dmar2", "10", "9", "dmar02x", "BAT1", "BAT0"));
        names.sort(NaturalOrder.INSTANCE);
        assertEquals(List.of("9", "10", "BAT0", "BAT1", "dmar2", "dmar02x", "dmar10", "ivhd0"), names);
    }
}
