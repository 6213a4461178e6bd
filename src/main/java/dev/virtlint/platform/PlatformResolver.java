package dev.virtlint.platform;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.libvirt.CpuModels;
import dev.virtlint.libvirt.LibvirtToQemu;
import dev.virtlint.libvirt.PhysBitsRequest;
import dev.virtlint.libvirt.QemuInputs;

/**
 * Resolves a domain against a target stack and host: which machine type, which vCPU vendor and phys-bits
 * (qemu-address-space.md §2.2, §3), and QEMU's address map.
 */
public final class PlatformResolver {
    private PlatformResolver() {
    }

    public static Platform resolve(DomainDef domain, TargetStack stack, HostCpu host) {
        return forDomain(domain).resolve(stack, host);
    }

    /** A resolver for one domain on many stacks and hosts. */
    public static ForDomain forDomain(DomainDef domain) {
        return new ForDomain(domain);
    }

    /**
     * Resolves one domain on each host of a range and under each span of OVMF releases, sharing what depends on the
     * domain alone: the QEMU inputs libvirt generates and the guest PCI tree per machine family, built for every host
     * and span before (a sixth of a profile of the real-world corpus without host facts). One per domain check, not
     * shared between threads.
     */
    public static final class ForDomain {
        private final DomainDef domain;
        private final QemuInputs inputs;
        private final Map<MachineFamily, Resolved<GuestPciTopology.Topology>> topologies =
                new EnumMap<>(MachineFamily.class);

        private ForDomain(DomainDef domain) {
            this.domain = domain;
            this.inputs = LibvirtToQemu.map(domain);
        }

        public DomainDef domain() {
            return domain;
        }

        public Platform resolve(TargetStack stack, HostCpu host) {
            Accel accel = stack.accel().orElse(domain.type().map("kvm"::equals).orElse(false) ? Accel.KVM : Accel.TCG);
            boolean written = domain.os().machine().isPresent();
            // libvirt picks the emulator's default machine, which is the pc alias for x86_64.
            String machineName = domain.os().machine().orElse("pc");
            QemuBinary qemu = stack.qemuFor(machineName);
            Optional<MachineType> machine = MachineCatalogue.resolve(machineName, qemu);
            Registration registration = machine
                    .map(type -> MachineCatalogue.registration(type.concreteName(), qemu))
                    .orElse(Registration.NOT_REGISTERED);
            Resolved<String> vendor = vendor(accel, inputs, host, qemu.version());
            Resolved<Integer> physBits = physBits(accel, inputs, machine, host);

            Optional<LayoutInput> layoutInput = Optional.empty();
            if (machine.isPresent() && machine.get().layoutFlags().isPresent() && vendor.isKnown() && physBits.isKnown()
                    && inputs.initialRamBytes().orElse(0) > 0) {
                String model = inputs.cpuModel().orElse("");
                layoutInput = Optional.of(new LayoutInput(machine.get(), qemu.version(),
                        inputs.initialRamBytes().getAsLong(),
                        inputs.maxMemBytes().orElse(0), inputs.slots().orElse(0),
                        inputs.pciHole64Bytes().isPresent() ? OptionalLong.of(inputs.pciHole64Bytes().getAsLong())
                                : OptionalLong.empty(),
                        physBits.value().get(), vendor.value().get().equals(CpuModels.AMD), CpuModels.longMode(model),
                        0));
            }
            Platform platform = new Platform(stack, qemu, host, accel, machineName, written, machine, registration,
                    inputs, vendor, physBits, layoutInput, layoutInput.map(AddressLayout::compute),
                    Resolved.unknown("OVMF's window is resolved from the rest of the platform"));
            return platform.withFirmware(FirmwareResolver.resolve(domain, platform, family -> topologies
                    .computeIfAbsent(family, key -> GuestPciTopology.build(domain, key))));
        }
    }

    /**
     * Under KVM every model takes the host's vendor; under TCG the model's own, if QEMU {@code qemu} has it;
     * {@code vendor=} beats both.
     */
    static Resolved<String> vendor(Accel accel, QemuInputs inputs, HostCpu host, Version qemu) {
        if (inputs.vendorOverride().isPresent()) {
            return Resolved.of(inputs.vendorOverride().get(), "the vendor_id the domain sets on its CPU model");
        }
        if (accel == Accel.KVM) {
            return host.vendorId()
                    .map(id -> Resolved.of(id, "the host's CPU vendor, which KVM gives every vCPU model"))
                    .orElseGet(() -> Resolved.unknown("under KVM the vCPU gets the host's vendor, and this run has no"
                            + " host facts (give --host-root)"));
        }
        if (inputs.cpuModel().isEmpty()) {
            return host.vendorId()
                    .map(id -> Resolved.of(id, "host-model, which libvirt expands to a model of the host's vendor"))
                    .orElseGet(() -> Resolved.unknown("host-model takes the host's CPU model, and this run has no host"
                            + " facts (give --host-root)"));
        }
        String model = inputs.cpuModel().get();
        return CpuModels.vendor(model, qemu.major(), qemu.minor())
                .map(id -> Resolved.of(id, "CPU model " + model + " under TCG"))
                .orElseGet(() -> Resolved.unknown("QEMU " + qemu.series() + " has no CPU model '" + model + "'"));
    }

    /**
     * Under KVM, {@code host-phys-bits} (on by default for {@code host} and {@code max}, forced by RHEL and
     * Ubuntu -hpb machine types) takes the host's width, capped by any limit, and wins over an explicit
     * {@code phys-bits}; otherwise an explicit value, otherwise 40. TCG ignores host-phys-bits.
     */
    static Resolved<Integer> physBits(Accel accel, QemuInputs inputs, Optional<MachineType> machine, HostCpu host) {
        PhysBitsRequest request = inputs.physBits();
        if (accel == Accel.KVM) {
            String model = inputs.cpuModel().orElse("");
            boolean hostModelDefault = model.equals("host") || model.equals("max");
            boolean forced = machine.map(MachineType::forcedHostPhysBits).orElse(false);
            boolean hostPhysBits = forced || request.hostPhysBits().orElse(hostModelDefault);
            if (hostPhysBits) {
                OptionalInt limit = request.hostPhysBitsLimit().isPresent() ? request.hostPhysBitsLimit()
                        : machine.filter(MachineType::forcedHostPhysBits).map(m -> m.forcedHostPhysBitsLimit())
                                .filter(l -> l > 0).map(OptionalInt::of).orElse(OptionalInt.empty());
                String why = forced && request.hostPhysBits().isEmpty()
                        ? "machine type " + machine.get().concreteName() + " forces host-phys-bits"
                        : request.hostPhysBits().isPresent() ? request.source() : "-cpu " + model + " under KVM";
                if (host.physBits().isEmpty()) {
                    return Resolved.unknown(why + " takes the host's physical address bits, and this run has no"
                            + " host facts (give --host-root)");
                }
                int bits = host.physBits().getAsInt();
                if (limit.isPresent() && bits > limit.getAsInt()) {
                    return Resolved.of(limit.getAsInt(), why + ": the host's " + bits + " bits, limited to "
                            + limit.getAsInt());
                }
                return Resolved.of(bits, why + ": the host's " + bits + " bits");
            }
        }
        // phys-bits=0 is QEMU's "not set", so it falls through to the default like an absent value.
        if (request.physBits().isPresent() && request.physBits().getAsInt() != 0) {
            return Resolved.of(request.physBits().getAsInt(), request.source());
        }
        return Resolved.of(LayoutInput.DEFAULT_PHYS_BITS, "QEMU's default for "
                + inputs.cpuModel().map(m -> "-cpu " + m).orElse("host-model") + ", which sets no phys-bits");
    }
}
