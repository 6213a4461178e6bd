package dev.virtlint.firmware;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The fw_cfg file {@code opt/ovmf/X-PciMmio64Mb} as OVMF reads it: the 64-bit window size in MiB, decimal.
 * OVMF ignores a value it cannot parse, or one above 16 TiB, with only a debug message.
 *
 * @param raw      the file's contents, empty when the guest has no such file
 * @param mib      the size OVMF uses, when {@link #state()} is {@link State#USED}
 * @param problem  why OVMF ignores the value, when {@link #state()} is {@link State#IGNORED}
 */
public record PciMmio64Knob(Optional<String> raw, State state, long mib, String problem) {

    public static final String FW_CFG_NAME = "opt/ovmf/X-PciMmio64Mb";
    /** The largest value OVMF 2020.05 and later accept: 0x1000000 MiB, 16 TiB. */
    public static final long MAX_MIB = 0x100_0000L;

    private static final Pattern DECIMAL = Pattern.compile("^[0-9]+(\r?\n)?$");
    private static final int LEGACY_MAX_CHARS = 7;

    public enum State { ABSENT, USED, IGNORED }

    public PciMmio64Knob {
        Objects.requireNonNull(raw, "raw");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(problem, "problem");
    }

    public static PciMmio64Knob absent() {
        return new PciMmio64Knob(Optional.empty(), State.ABSENT, 0, "");
    }

    /** How {@code release} reads the string {@code value}. */
    public static PciMmio64Knob read(String value, OvmfRelease release) {
        Optional<String> raw = Optional.of(value);
        if (!DECIMAL.matcher(value).matches()) {
            return new PciMmio64Knob(raw, State.IGNORED, 0, "'" + value.strip() + "' is not a decimal number of MiB");
        }
        String digits = value.strip();
        if (!release.parsesKnobAsUint32()) {
            return digits.length() > LEGACY_MAX_CHARS
                    ? new PciMmio64Knob(raw, State.IGNORED, 0, "OVMF " + release + " reads at most "
                            + LEGACY_MAX_CHARS + " digits")
                    : new PciMmio64Knob(raw, State.USED, Long.parseLong(digits), "");
        }
        String significant = digits.replaceFirst("^0+(?=.)", "");
        if (significant.length() > 10 || Long.parseLong(significant) > 0xFFFF_FFFFL) {
            return new PciMmio64Knob(raw, State.IGNORED, 0, "'" + digits + "' does not fit 32 bits");
        }
        long mib = Long.parseLong(significant);
        if (mib > MAX_MIB) {
            return new PciMmio64Knob(raw, State.IGNORED, 0, digits + " MiB is above OVMF's limit of " + MAX_MIB
                    + " MiB (16 TiB)");
        }
        return new PciMmio64Knob(raw, State.USED, mib, "");
    }

    public boolean isUsed() {
        return state == State.USED;
    }

    public long bytes() {
        return mib << 20;
    }
}
