package dev.virtlint.rules.firmware;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import dev.virtlint.domain.MemorySize;
import dev.virtlint.domain.QemuArg;
import dev.virtlint.firmware.Aperture;
import dev.virtlint.firmware.FwCfgArgument;
import dev.virtlint.firmware.OvmfPlan;
import dev.virtlint.firmware.PciMmio64Knob;
import dev.virtlint.firmware.WindowAdvisor;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.FindingBuilder;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.Hex;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.rules.qemu.QemuEdits;

@RuleInfo(id = "VL202", name = "mmio64-aperture-beyond-phys-bits", severity = Severity.ERROR, family = Family.FIRMWARE,
        summary = "X-PciMmio64Mb puts OVMF's 64-bit PCI window above what the guest can address")
public final class Mmio64ApertureBeyondPhysBits implements Rule {
    @Override
    public List<Finding> check(LintContext context) {
        Optional<OvmfPlan> plan = context.platform().firmware().value();
        if (plan.isEmpty() || !plan.get().input().knob().isUsed()) {
            return List.of();
        }
        Aperture aperture = plan.get().aperture();
        int reach = plan.get().input().cpu().reachBits();
        if (!aperture.beyondFirmwareAddressWidth() && !aperture.beyond(reach)) {
            return List.of();
        }
        Optional<QemuArg> knobArg = knobArgument(context);
        if (knobArg.isEmpty()) {
            return List.of();
        }
        long mib = plan.get().input().knob().mib();
        String ovmf = "OVMF " + plan.get().input().release();
        String window = "X-PciMmio64Mb=" + mib + " puts " + FirmwarePrediction.describe(aperture);
        long top = (1L << reach) - 1;
        String message = aperture.beyondFirmwareAddressWidth()
                ? window + ", past the " + aperture.physBitsUsed() + "-bit address space " + ovmf + " works with (top "
                        + Hex.of((1L << aperture.physBitsUsed()) - 1) + "): the firmware cannot map the window, gives"
                        + " no PCI device any resources and never reaches its boot manager"
                : window + ", past what the vCPU addresses with " + reach + " bits (top " + Hex.of(top) + "): " + ovmf
                        + " sizes its own address width from the window and places BARs there, where the guest cannot"
                        + " reach them";
        FindingBuilder finding = OvmfEvidence.with(
                        context.finding(this, knobArg.get().element(), message), plan.get().input().release())
                .data("knobMib", mib)
                .data("windowEnd", Hex.of(aperture.lastAddress()))
                .data("guestPhysBits", reach);
        fix(context, plan.get(), knobArg.get()).ifPresent(finding::fix);
        return List.of(finding.build());
    }

    /**
     * With the passed-through BARs' sizes known: no knob when OVMF's own window holds them, else the smallest value
     * that does. Without them, the largest value that stays within reach, which may then be too small for them.
     */
    private static Optional<Fix> fix(LintContext context, OvmfPlan plan, QemuArg knobArg) {
        Optional<FirmwarePrediction> sized = FirmwarePrediction.of(context);
        if (sized.isPresent()) {
            OvmfPlan withoutKnob = sized.get().plan().withInput(plan.input().withKnob(PciMmio64Knob.absent()));
            if (WindowAdvisor.placesEverything(withoutKnob)) {
                List<QemuArg> args = context.domain().honouredQemuArgs();
                QemuArg option = args.get(args.indexOf(knobArg) - 1);
                return Optional.of(Fix.safe("drop X-PciMmio64Mb: OVMF's own window holds every BAR",
                        QemuEdits.removeArgs(context.domain(), List.of(option, knobArg))));
            }
        }
        OptionalLong mib = sized.isPresent() ? WindowAdvisor.smallestKnob(sized.get().plan())
                : WindowAdvisor.largestKnobWithinReach(plan);
        if (mib.isEmpty()) {
            return Optional.empty();
        }
        String value = "name=" + PciMmio64Knob.FW_CFG_NAME + ",string=" + mib.getAsLong();
        var edit = QemuEdits.replaceArgValue(knobArg, value);
        String description = "set X-PciMmio64Mb to " + mib.getAsLong() + " ("
                + MemorySize.format(mib.getAsLong() * MemorySize.MIB) + ") so the window stays addressable";
        return Optional.of(sized.isPresent() ? Fix.safe(description + " and holds every BAR", List.of(edit))
                : Fix.unsafe(description + " (the passed-through BARs' sizes are unknown: check that they fit)",
                        List.of(edit)));
    }

    /** The {@code qemu:arg} carrying the X-PciMmio64Mb string OVMF reads. */
    static Optional<QemuArg> knobArgument(LintContext context) {
        List<QemuArg> args = context.domain().honouredQemuArgs();
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).value().equals("-fw_cfg")) {
                FwCfgArgument argument = FwCfgArgument.parse(args.get(i + 1).value());
                if (argument.isValid() && argument.name().get().equals(PciMmio64Knob.FW_CFG_NAME)) {
                    return Optional.of(args.get(i + 1));
                }
            }
        }
        return Optional.empty();
    }
}
