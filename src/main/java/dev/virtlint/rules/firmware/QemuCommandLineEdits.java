package dev.virtlint.rules.firmware;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.QemuArg;
import dev.virtlint.firmware.PciMmio64Knob;
import dev.virtlint.rules.qemu.QemuEdits;
import dev.virtlint.xml.TextEdit;

/**
 * Passes one setting to QEMU through {@code <qemu:commandline>}: the argument that already sets it gets the new
 * value; otherwise the option and its value are appended (to the existing block, or a new one, see {@link QemuEdits}).
 */
public final class QemuCommandLineEdits {
    private QemuCommandLineEdits() {
    }

    /** {@code -fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=MIB}, replacing any X-PciMmio64Mb the domain passes. */
    public static Optional<List<TextEdit>> setPciMmio64Mb(DomainDef domain, long mib) {
        return set(domain, "-fw_cfg", value -> value.contains(PciMmio64Knob.FW_CFG_NAME),
                "name=" + PciMmio64Knob.FW_CFG_NAME + ",string=" + mib);
    }

    /**
     * Makes QEMU get {@code option value}; {@code sameSetting} recognises the value of an argument that sets the same
     * thing. Empty when the document binds the prefix {@code qemu} to another namespace (VL501's case).
     */
    public static Optional<List<TextEdit>> set(DomainDef domain, String option, Predicate<String> sameSetting,
                                               String value) {
        List<QemuArg> args = domain.honouredQemuArgs();
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).value().equals(option) && sameSetting.test(args.get(i + 1).value())) {
                return Optional.of(List.of(QemuEdits.replaceArgValue(args.get(i + 1), value)));
            }
        }
        return QemuEdits.appendArgs(domain, List.of(option, value));
    }
}
