package dev.virtlint.rules.libvirt;

import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.Cpu;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

@RuleInfo(id = "VL707", name = "host-passthrough-under-tcg", severity = Severity.ERROR, family = Family.LIBVIRT,
        summary = "<cpu mode='host-passthrough'> in a type='qemu' (TCG) domain: libvirt defines it but refuses to"
                + " start it")
public final class HostPassthroughUnderTcg implements Rule {
    /** libvirt's text, from qemuProcessUpdateGuestCPU in src/qemu/qemu_process.c, with its values for x86_64. */
    static final String LIBVIRT_ERROR = "CPU mode 'host-passthrough' for x86_64 qemu domain on x86_64 host is not"
            + " supported by hypervisor";

    @Override
    public List<Finding> check(LintContext context) {
        Optional<Cpu> cpu = context.domain().cpu();
        // 'maximum' is QEMU's own CPU and works under TCG; only the host's CPU needs KVM.
        if (!context.domain().type().map("qemu"::equals).orElse(false) || cpu.isEmpty()
                || !cpu.get().mode().equals("host-passthrough")) {
            return List.of();
        }
        return List.of(context.finding(this, cpu.get().element(), "libvirt defines this domain but refuses to start"
                        + " it: \"" + LIBVIRT_ERROR + "\". Under TCG (type='qemu') there is no host CPU to pass"
                        + " through: use type='kvm' on a host with KVM, or mode='maximum' (QEMU's fullest emulated"
                        + " CPU) or a named model for TCG")
                .build());
    }
}
