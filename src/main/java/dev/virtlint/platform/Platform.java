package dev.virtlint.platform;

import java.util.Optional;

import dev.virtlint.firmware.OvmfPlan;
import dev.virtlint.libvirt.QemuInputs;

/**
 * What runs the domain, resolved: the target stack and accelerator, the machine type as the target QEMU
 * will instantiate it, the vCPU's vendor and phys-bits, the QEMU inputs libvirt generates, and — when all
 * of that is known for a pc or q35 machine — QEMU's address map.
 *
 * @param host         the host CPU facts this run has (possibly none)
 * @param qemu         the QEMU binary: the target version, built by whoever defines the machine type
 * @param machineName  the machine as written, or the emulator default libvirt picks when none is written
 * @param machine      empty when no QEMU build defines that name
 * @param registration whether the target QEMU registers the machine type
 * @param layoutInput  empty when the machine is not pc/q35 or the vendor or phys-bits are unknown
 * @param addressMap   QEMU's layout for {@code layoutInput}
 * @param firmware     what OVMF will do with the guest (its 64-bit window and PCI tree); unknown, with the reason,
 *                     for SeaBIOS guests or when the address map or CPU features are unknown
 */
public record Platform(TargetStack stack, QemuBinary qemu, HostCpu host, Accel accel, String machineName, boolean machineWritten,
                       Optional<MachineType> machine, Registration registration, QemuInputs inputs,
                       Resolved<String> vendor, Resolved<Integer> physBits, Optional<LayoutInput> layoutInput,
                       Optional<AddressMap> addressMap, Resolved<OvmfPlan> firmware) {
    /** Where the run could have named the QEMU version. */
    public static final String HOW_TO_NAME_QEMU = "give --qemu-version, 'qemu-version' in .virt-lint.yaml, or"
            + " --host-root";

    public Optional<Integer> hostPhysBits() {
        return host.physBits().isPresent() ? Optional.of(host.physBits().getAsInt()) : Optional.empty();
    }

    Platform withFirmware(Resolved<OvmfPlan> plan) {
        return new Platform(stack, qemu, host, accel, machineName, machineWritten, machine, registration, inputs, vendor,
                physBits, layoutInput, addressMap, plan);
    }

    /**
     * True when the target QEMU is known not to offer the machine type: it exits with "unsupported machine
     * type" before it lays out any memory (and libvirt refuses the domain before that, see VL001).
     */
    public boolean machineRefused() {
        return registration == Registration.NOT_REGISTERED;
    }

    /** The line QEMU prints for a machine type it does not offer, without its {@code qemu-system-x86_64: } prefix. */
    public String machineRefusal() {
        return "unsupported machine type: \"" + machineName + "\"";
    }

    /** {@link #machineRefusal()} with who refuses and why, for people. */
    public String machineRefusalExplained() {
        return machineRefusal() + " (QEMU " + qemu.version() + " does not offer it, and libvirt refuses the domain"
                + " first: VL001)";
    }

    /** True when QEMU is known to start the domain: it offers the machine type and lays out memory without error. */
    public boolean qemuWillStart() {
        return !machineRefused() && addressMap.map(AddressMap::qemuWillStart).orElse(false);
    }

    /**
     * Why the target QEMU is the one it is, when nothing named it: virt-lint's default, or the release the domain's
     * machine type proves (or the newest release virt-lint knows, for a type newer than that). Empty when the run
     * was given the version or found it on a host.
     */
    public Optional<String> qemuAssumption() {
        if (!stack.qemuAssumed()) {
            return Optional.empty();
        }
        Version target = qemu.version();
        String unnamed = "; nothing names the host's QEMU (" + HOW_TO_NAME_QEMU + ")";
        if (!qemuRaisedByMachineType()) {
            return Optional.of("QEMU " + target + " assumed: virt-lint's default" + unnamed);
        }
        boolean newerThanKnown = MachineCatalogue.firstRegisteredIn(machineName)
                .map(first -> first.series().compareTo(target) > 0).orElse(false);
        return Optional.of("QEMU " + target + " assumed: " + (newerThanKnown
                ? "the newest release virt-lint knows, as the domain names " + machineName + ", a newer type"
                : "the first release that registers " + machineName + ", which the domain names")
                + " (virt-lint's default is " + stack.qemuVersion() + ")" + unnamed);
    }

    /** Nothing named the QEMU version and the domain's machine type raised it above virt-lint's default. */
    public boolean qemuRaisedByMachineType() {
        return stack.qemuAssumed() && !qemu.version().equals(stack.qemuVersion());
    }

    public boolean vendorIsAmd() {
        return vendor.value().map("AuthenticAMD"::equals).orElse(false);
    }
}
