package dev.virtlint.rules.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.Hostdev;
import dev.virtlint.domain.PciAddress;
import dev.virtlint.host.CpuVendor;
import dev.virtlint.host.HostFacts;
import dev.virtlint.host.KernelIommu;
import dev.virtlint.host.PciDevice;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

/**
 * A host that cannot hand a PCI device to VFIO at all. Without IOMMU groups libvirt refuses every PCI hostdev before
 * anything else (virHostdevHostSupportsPassthroughVFIO, src/hypervisor/virhostdev.c; qemuDomainPrepareHostdevPCI,
 * src/qemu/qemu_domain.c). With an IOMMU that does not remap interrupts, VFIO's type1 backend refuses to attach the
 * device's group unless {@code allow_unsafe_interrupts} is set (vfio_iommu_type1_attach_group,
 * drivers/vfio/vfio_iommu_type1.c), and QEMU stops.
 */
@RuleInfo(id = "VL607", name = "host-iommu-not-ready", severity = Severity.ERROR, family = Family.HOST,
        summary = "The host runs no IOMMU, or one that does not remap interrupts while VFIO may not do without: no"
                + " PCI device can be passed through")
public final class HostIommuNotReady implements Rule {
    @Override
    public List<Finding> check(LintContext context) {
        List<Hostdev> hostdevs = context.domain().pciHostdevs();
        if (hostdevs.isEmpty()) {
            return List.of();
        }
        Optional<Boolean> enabled = context.hostFacts().flatMap(HostFacts::iommuEnabled);
        if (enabled.isEmpty()) {
            context.couldNotCheck(this, "whether the host runs an IOMMU (its IOMMU groups)", "sys/kernel/iommu_groups");
            return List.of();
        }
        HostFacts facts = context.hostFacts().get();
        if (!enabled.get()) {
            return List.of(noIommu(context, hostdevs.get(0), facts));
        }
        KernelIommu kernel = facts.kernelIommu();
        if (kernel.interruptRemapping().isEmpty()) {
            context.couldNotCheck(this, "whether the host remaps interrupts", "proc/interrupts");
            return List.of();
        }
        if (kernel.interruptRemapping().get()) {
            return List.of();
        }
        if (kernel.unsafeInterrupts().isEmpty()) {
            context.couldNotCheck(this, "vfio_iommu_type1's allow_unsafe_interrupts",
                    "sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts");
            return List.of();
        }
        if (kernel.unsafeInterrupts().get().value()) {
            return List.of();
        }
        return List.of(noRemapping(context, hostdevs.get(0), facts, kernel));
    }

    private Finding noIommu(LintContext context, Hostdev hostdev, HostFacts facts) {
        KernelIommu kernel = facts.kernelIommu();
        List<String> why = new ArrayList<>();
        for (String name : List.of("intel_iommu", "amd_iommu", "iommu")) {
            kernel.parameter(name).filter(value -> List.of(value.split(",")).contains("off"))
                    .ifPresent(value -> why.add("the kernel command line turns it off (" + name + "=" + value + ")"));
        }
        if (facts.iommuUnits().map(List::isEmpty).orElse(false)) {
            why.add("the kernel found no IOMMU unit in sys/class/iommu: the machine has none, its firmware does not"
                    + " enable VT-d or AMD-Vi, or the kernel was told not to use it");
        }
        boolean intel = facts.cpuVendor().map(vendor -> vendor == CpuVendor.INTEL).orElse(false);
        if (intel && kernel.parameter("intel_iommu").filter(value -> List.of(value.split(",")).contains("on"))
                .isEmpty() && kernel.parameters().isPresent()) {
            why.add("the command line lacks intel_iommu=on, without which a kernel built without"
                    + " CONFIG_INTEL_IOMMU_DEFAULT_ON leaves VT-d off");
        }
        if (kernel.parameter("iommu").filter("pt"::equals).isPresent()) {
            why.add("iommu=pt only chooses how a running IOMMU treats the host's own devices; it does not turn one on");
        }
        String message = "the host runs no IOMMU (sys/kernel/iommu_groups is empty), so libvirt refuses to start the"
                + " guest: 'host doesn't support passthrough of host PCI devices'."
                + (why.isEmpty() ? "" : " Why: " + String.join("; ", why) + ".")
                + " Enable VT-d (Intel) or AMD-Vi/IOMMU (AMD)"
                + " in the firmware and boot with intel_iommu=on on Intel (AMD kernels turn the IOMMU on by"
                + " themselves); iommu=pt may stay.";
        return context.finding(this, hostdev.element(), message)
                .data("problem", "no-iommu")
                .data("iommuParameters", kernel.parameters().orElse(List.of()))
                .build();
    }

    private Finding noRemapping(LintContext context, Hostdev hostdev, HostFacts facts, KernelIommu kernel) {
        Optional<Integer> group = hostdev.source().flatMap(facts::pciDevice).flatMap(PciDevice::iommuGroup);
        String device = hostdev.source().map(PciAddress::bdf).orElse("…");
        String intremapOff = kernel.parameter("intremap").filter("off"::equals).isPresent()
                ? " The command line turns it off (intremap=off): remove that." : "";
        String message = "the host's IOMMU does not remap interrupts (no interrupt in /proc/interrupts goes through an"
                + " IR- chip) and vfio_iommu_type1's allow_unsafe_interrupts is off ("
                + kernel.unsafeInterrupts().get().source() + "), so VFIO refuses the device's group: the kernel logs"
                + " 'vfio_iommu_type1_attach_group: No interrupt remapping support.  Use the module param"
                + " \"allow_unsafe_interrupts\" to enable VFIO IOMMU support on this platform' and QEMU stops with"
                + " 'vfio " + device + ": failed to setup container for group " + group.map(String::valueOf).orElse("N")
                + ": Failed to set iommu for container: Operation not permitted'." + intremapOff + " Turn interrupt"
                + " remapping on in the firmware (it comes with VT-d and AMD-Vi on most boards) or, accepting that the"
                + " guest can then send the host interrupts it should not, set 'options vfio_iommu_type1"
                + " allow_unsafe_interrupts=1' in /etc/modprobe.d.";
        return context.finding(this, hostdev.element(), message)
                .data("problem", "no-interrupt-remapping")
                .data("allowUnsafeInterruptsSource", kernel.unsafeInterrupts().get().source())
                .build();
    }
}
