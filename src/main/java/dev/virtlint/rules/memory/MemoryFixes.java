package dev.virtlint.rules.memory;

import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.Cpu;
import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.MaxPhysAddr;
import dev.virtlint.domain.MemorySize;
import dev.virtlint.domain.Sized;
import dev.virtlint.platform.Accel;
import dev.virtlint.domain.QemuArg;
import dev.virtlint.platform.Platform;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.qemu.QemuEdits;
import dev.virtlint.xml.Edits;
import dev.virtlint.xml.TextEdit;
import dev.virtlint.xml.XmlAttribute;
import dev.virtlint.xml.XmlElement;

/** Fix strategies shared by the memory rules: give the vCPU more phys-bits, or lower maxMemory. */
final class MemoryFixes {
    /** libvirt's {@code <maxphysaddr>} appeared in 8.7.0. */
    private static final int[] MAXPHYSADDR_SINCE = {8, 7};
    private static final List<String> CPU_CHILDREN_BEFORE_MAXPHYSADDR = List.of("model", "vendor", "topology", "cache");

    private MemoryFixes() {
    }

    /**
     * {@code <maxphysaddr mode='emulate' bits='N'/>}, replacing any existing one, or under KVM a higher limit on a
     * {@code mode='passthrough'} one. Empty where phys-bits cannot be set that way: host-passthrough and maximum
     * CPUs under KVM take the host's width, libvirt before 8.7 has no element, and libvirt refuses a width above
     * the host CPU's for every domain type, TCG included (VL105). Safe only when host facts show the host has the
     * bits.
     */
    static Optional<Fix> setPhysBits(DomainDef domain, Platform platform, int bits, String why) {
        Optional<Cpu> cpu = domain.cpu();
        Optional<MaxPhysAddr> limitedPassthrough = cpu.flatMap(Cpu::maxPhysAddr)
                .filter(maxPhysAddr -> maxPhysAddr.mode().equals("passthrough") && maxPhysAddr.limit().isPresent());
        if (platform.accel() == Accel.KVM && limitedPassthrough.isPresent()) {
            return raisePassthroughLimit(domain, platform, limitedPassthrough.get(), bits, why);
        }
        if (platform.accel() == Accel.KVM && cpu.map(Cpu::isHostPassthrough).orElse(false)) {
            return Optional.empty();
        }
        if (!platform.stack().libvirtAtLeast(MAXPHYSADDR_SINCE[0], MAXPHYSADDR_SINCE[1])) {
            return physBitsGlobal(domain, platform, bits, why);
        }
        if (platform.hostPhysBits().map(host -> bits > host).orElse(false)) {
            return Optional.empty();
        }
        String element = "<maxphysaddr mode=" + quoted(domain, "emulate") + " bits=" + quoted(domain,
                String.valueOf(bits)) + "/>";
        TextEdit edit;
        if (cpu.isEmpty()) {
            edit = Edits.insertChild(domain.document().source(), domain.root(), "<cpu>" + element + "</cpu>",
                    List.of("name", "uuid", "title", "description", "metadata", "maxMemory", "memory",
                            "currentMemory", "blkiotune", "memtune", "memoryBacking", "vcpu", "vcpus", "iothreads",
                            "cputune", "numatune", "resource", "sysinfo", "bootloader", "os", "idmap", "features"));
        } else if (cpu.get().maxPhysAddr().isPresent()) {
            edit = TextEdit.replace(cpu.get().maxPhysAddr().get().element().span(), element);
        } else {
            edit = Edits.insertChild(domain.document().source(), cpu.get().element(), element,
                    CPU_CHILDREN_BEFORE_MAXPHYSADDR);
        }
        String description = "set <maxphysaddr mode='emulate' bits='" + bits + "'/> " + why;
        return Optional.of(platform.hostPhysBits().isPresent() ? Fix.safe(description, List.of(edit))
                : Fix.unsafe(description + " (libvirt refuses more bits than the host CPU has, and this run has no"
                        + " host facts: check that every host that runs it has at least " + bits
                        + " physical address bits)", List.of(edit)));
    }

    /**
     * {@code <maxphysaddr mode='passthrough' limit='L'/>} under KVM gives the vCPU the host's width capped at L, so
     * raising L to {@code bits} is the fix that keeps the author's choice of mode (and of a cap, for migration).
     * Empty where the host has fewer bits: no limit gives more than the host has. Safe only when host facts show
     * the host has the bits.
     */
    private static Optional<Fix> raisePassthroughLimit(DomainDef domain, Platform platform, MaxPhysAddr maxPhysAddr,
                                                       int bits, String why) {
        if (platform.hostPhysBits().map(host -> bits > host).orElse(false)) {
            return Optional.empty();
        }
        XmlAttribute limit = maxPhysAddr.element().attribute("limit").orElseThrow();
        List<TextEdit> edits = List.of(TextEdit.replace(limit.valueSpan(), String.valueOf(bits)));
        String description = "raise the limit of <maxphysaddr mode='passthrough'> from " + maxPhysAddr.limit().get()
                + " to " + bits + " " + why;
        return Optional.of(platform.hostPhysBits().isPresent() ? Fix.safe(description, edits)
                : Fix.unsafe(description + " (the vCPU gets no more bits than the host has, and this run has no host"
                        + " facts: check that every host that runs it has at least " + bits
                        + " physical address bits)", edits));
    }

    /**
     * Before libvirt 8.7 there is no element for phys-bits; QEMU's {@code -global <model>-x86_64-cpu.phys-bits=N}
     * through {@code qemu:commandline} sets it for the model the domain uses (an existing one is updated).
     */
    private static Optional<Fix> physBitsGlobal(DomainDef domain, Platform platform, int bits, String why) {
        Optional<String> model = platform.inputs().cpuModel();
        if (model.isEmpty()) {
            return Optional.empty();
        }
        String key = model.get() + "-x86_64-cpu.phys-bits=";
        String value = key + bits;
        List<QemuArg> args = domain.honouredQemuArgs();
        Optional<List<TextEdit>> edits = Optional.empty();
        for (int i = 0; i + 1 < args.size(); i++) {
            if (args.get(i).value().equals("-global") && args.get(i + 1).value().startsWith(key)) {
                edits = Optional.of(List.of(QemuEdits.replaceArgValue(args.get(i + 1), value)));
            }
        }
        if (edits.isEmpty()) {
            edits = QemuEdits.appendArgs(domain, List.of("-global", value));
        }
        // QEMU checks this width only against its own 52-bit limit; under KVM a wider one than the host's is a
        // warning at start and faults in the guest, so it is safe only where the host has the bits.
        boolean fitsHost = platform.accel() == Accel.TCG
                || platform.hostPhysBits().map(host -> bits <= host).orElse(false);
        String description = "pass -global " + value + " through qemu:commandline (libvirt "
                + platform.stack().libvirt() + " has no <maxphysaddr>) " + why;
        return edits.map(list -> fitsHost ? Fix.safe(description, list) : Fix.unsafe(description
                + " (check that the host has at least " + bits + " physical address bits)", list));
    }

    /** Lowers {@code <maxMemory>} to {@code bytes}, in the element's own unit when exact, else in MiB. */
    static Optional<Fix> lowerMaxMemory(DomainDef domain, long bytes, String why) {
        Optional<Sized> maxMemory = domain.memory().maxMemory();
        if (maxMemory.isEmpty() || bytes <= 0) {
            return Optional.empty();
        }
        XmlElement element = maxMemory.get().element();
        String unit = element.attributeValue("unit").orElse("KiB");
        long scale = scale(unit);
        List<TextEdit> edits;
        if (scale > 0 && bytes % scale == 0) {
            edits = List.of(TextEdit.replace(element.content(), String.valueOf(bytes / scale)));
        } else {
            long mib = bytes / MemorySize.MIB;
            edits = List.of(Edits.setAttribute(domain.document(), element, "unit", "MiB"),
                    TextEdit.replace(element.content(), String.valueOf(mib)));
        }
        return Optional.of(Fix.unsafe("lower <maxMemory> to " + MemorySize.format(bytes - bytes % MemorySize.MIB)
                + " " + why + " (less memory can be hot-plugged)", edits));
    }

    private static long scale(String unit) {
        try {
            return MemorySize.parse("1", unit, "KiB").bytes();
        } catch (dev.virtlint.domain.InvalidValueException e) {
            return 0;
        }
    }

    private static String quoted(DomainDef domain, String value) {
        char quote = Edits.quoteOf(domain.document());
        return quote + value + quote;
    }
}
