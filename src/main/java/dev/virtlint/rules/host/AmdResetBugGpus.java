package dev.virtlint.rules.host;

import java.util.Map;
import java.util.Optional;

/**
 * AMD GPUs that do not come back from the resets the kernel has (the "AMD reset bug"), so only gnif/vendor-reset's
 * device-specific reset makes them usable again after a guest reboot. The IDs are those gnif/vendor-reset lists for
 * the discrete Vega and Navi 1x generations (src/device-db.h, commit 03e525d); its Polaris, Navi 23, Arcturus and APU
 * entries are not carried here.
 */
final class AmdResetBugGpus {
    static final int AMD_VENDOR_ID = 0x1002;

    private static final Map<Integer, String> GENERATION_BY_DEVICE_ID = Map.ofEntries(
            vega10(0x6860), vega10(0x6861), vega10(0x6862), vega10(0x6863), vega10(0x6864), vega10(0x6867),
            vega10(0x6868), vega10(0x6869), vega10(0x686a), vega10(0x686b), vega10(0x686c), vega10(0x686d),
            vega10(0x686e), vega10(0x686f), vega10(0x687f),
            vega20(0x66a0), vega20(0x66a1), vega20(0x66a2), vega20(0x66a3), vega20(0x66a4), vega20(0x66a7),
            vega20(0x66af),
            navi10(0x7310), navi10(0x7312), navi10(0x7318), navi10(0x7319), navi10(0x731a), navi10(0x731b),
            navi10(0x731e), navi10(0x731f),
            navi12(0x7360), navi12(0x7362),
            navi14(0x7340), navi14(0x7341), navi14(0x7347), navi14(0x734f));

    private AmdResetBugGpus() {
    }

    /** The GPU generation ("Navi 10") when {@code vendor:device} is one of them. */
    static Optional<String> generation(int vendor, int device) {
        return vendor == AMD_VENDOR_ID ? Optional.ofNullable(GENERATION_BY_DEVICE_ID.get(device)) : Optional.empty();
    }

    private static Map.Entry<Integer, String> vega10(int device) {
        return Map.entry(device, "Vega 10");
    }

    private static Map.Entry<Integer, String> vega20(int device) {
        return Map.entry(device, "Vega 20");
    }

    private static Map.Entry<Integer, String> navi10(int device) {
        return Map.entry(device, "Navi 10");
    }

    private static Map.Entry<Integer, String> navi12(int device) {
        return Map.entry(device, "Navi 12");
    }

    private static Map.Entry<Integer, String> navi14(int device) {
        return Map.entry(device, "Navi 14");
    }
}
