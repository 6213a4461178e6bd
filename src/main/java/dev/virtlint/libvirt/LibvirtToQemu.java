package dev.virtlint.libvirt;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.virtlint.domain.Cpu;
import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.MaxPhysAddr;
import dev.virtlint.domain.MemoryDevice;
import dev.virtlint.domain.MemorySize;
import dev.virtlint.domain.NumaCell;
import dev.virtlint.domain.QemuArg;

/**
 * Predicts the memory and CPU arguments libvirt's QEMU driver generates for a domain, the way
 * {@code virsh domxml-to-native} prints them, then applies {@code qemu:commandline} arguments that
 * override them (QEMU takes the last {@code -cpu}; {@code -global} sets a property on every such object).
 * Checked against libvirt 11.3's own expected argv for its test suite.
 */
public final class LibvirtToQemu {
    /** libvirt's x86 QEMU driver rounds initial memory (each NUMA cell) up to this. */
    static final long INITIAL_MEMORY_ALIGNMENT = MemorySize.MIB;
    /** DIMMs are rounded up to this on x86 before they are subtracted from {@code <memory>}. */
    static final long DIMM_ALIGNMENT = 2 * MemorySize.MIB;

    private static final Pattern GLOBAL_PROPERTY = Pattern.compile("^([^.=]+)\\.([^=]+)=(.*)$");

    private LibvirtToQemu() {
    }

    public static QemuInputs map(DomainDef domain) {
        List<String> overrides = new ArrayList<>();
        Optional<Cpu> cpu = domain.cpu();
        Optional<String> model = cpuModel(cpu, domain.os().machine().orElse(""));
        Optional<String> vendor = cpu.flatMap(Cpu::modelVendorId);
        PhysBitsRequest physBits = cpu.flatMap(Cpu::maxPhysAddr).map(LibvirtToQemu::physBits)
                .orElse(PhysBitsRequest.none());
        OptionalLong hole = domain.rootPciController().flatMap(c -> c.pciHole64())
                .map(sized -> OptionalLong.of(MemorySize.ofBytes(sized.bytes()).kibRoundedUp() * MemorySize.KIB))
                .orElse(OptionalLong.empty());

        List<QemuArg> args = domain.honouredQemuArgs();
        for (int i = 0; i + 1 < args.size(); i++) {
            String option = args.get(i).value();
            String value = args.get(i + 1).value();
            if (option.equals("-cpu")) {
                i++;
                String[] parts = value.split(",");
                model = Optional.of(parts[0]);
                physBits = PhysBitsRequest.none();
                vendor = Optional.empty();
                for (int p = 1; p < parts.length; p++) {
                    String[] property = parts[p].split("=", 2);
                    String v = property.length > 1 ? property[1] : "on";
                    String from = "qemu:commandline -cpu " + value;
                    switch (property[0]) {
                        case "phys-bits" -> physBits = parseInt(v).map(b -> physBits(b, from)).orElse(physBits);
                        case "host-phys-bits" -> physBits = physBits.withHostPhysBits(isOn(v), from);
                        case "host-phys-bits-limit" -> {
                            OptionalInt limit = parseIntOpt(v);
                            if (limit.isPresent()) {
                                physBits = physBits.withHostPhysBitsLimit(limit.getAsInt(), from);
                            }
                        }
                        case "vendor" -> vendor = Optional.of(v);
                        default -> { }
                    }
                }
                overrides.add("-cpu " + value);
            } else if (option.equals("-global")) {
                i++;
                Matcher global = GLOBAL_PROPERTY.matcher(value);
                if (!global.matches()) {
                    continue;
                }
                String driver = global.group(1);
                String property = global.group(2);
                String v = global.group(3);
                String from = "qemu:commandline -global " + value;
                if (property.equals("pci-hole64-size")
                        && (driver.equals("q35-pcihost") || driver.equals("i440FX-pcihost"))) {
                    OptionalLong size = qemuSize(v);
                    if (size.isPresent()) {
                        hole = size;
                        overrides.add("-global " + value);
                    }
                } else if (driver.endsWith("-x86_64-cpu") && appliesTo(driver, model)) {
                    switch (property) {
                        case "phys-bits" -> physBits = parseInt(v).map(b -> physBits(b, from)).orElse(physBits);
                        case "host-phys-bits" -> physBits = physBits.withHostPhysBits(isOn(v), from);
                        default -> { }
                    }
                    overrides.add("-global " + value);
                }
            }
        }
        return new QemuInputs(initialRam(domain), maxMemory(domain), domain.memory().slots()
                .map(OptionalInt::of).orElse(OptionalInt.empty()), hole, model, vendor, physBits,
                List.copyOf(overrides));
    }

    private static PhysBitsRequest physBits(int bits, String from) {
        return PhysBitsRequest.none().withPhysBits(bits, from);
    }

    /** {@code -global X-x86_64-cpu.prop} sets the property on CPUs of model X only. */
    private static boolean appliesTo(String driver, Optional<String> model) {
        String type = driver.substring(0, driver.length() - "-x86_64-cpu".length());
        return model.map(type::equals).orElse(false);
    }

    /**
     * The {@code -cpu} model libvirt writes; empty for host-model and for custom with
     * {@code match='minimum'}, which libvirt expands from the host's CPU.
     */
    private static Optional<String> cpuModel(Optional<Cpu> cpu, String machine) {
        String machineDefault = machine.equals("isapc") ? "486" : "qemu64";
        if (cpu.isEmpty()) {
            return Optional.of(machineDefault);
        }
        if (cpu.get().element().attributeValue("match").map("minimum"::equals).orElse(false)) {
            return Optional.empty();
        }
        return switch (cpu.get().mode()) {
            case "host-passthrough" -> Optional.of("host");
            case "maximum" -> Optional.of("max");
            case "host-model" -> Optional.empty();
            default -> Optional.of(cpu.get().model().orElse(machineDefault));
        };
    }

    private static PhysBitsRequest physBits(MaxPhysAddr maxPhysAddr) {
        String from = "<maxphysaddr mode='" + maxPhysAddr.mode() + "'"
                + maxPhysAddr.bits().map(b -> " bits='" + b + "'").orElse("")
                + maxPhysAddr.limit().map(l -> " limit='" + l + "'").orElse("") + "/>";
        PhysBitsRequest request = PhysBitsRequest.none();
        if (maxPhysAddr.mode().equals("passthrough")) {
            request = request.withHostPhysBits(true, from);
            if (maxPhysAddr.limit().isPresent()) {
                request = request.withHostPhysBitsLimit(maxPhysAddr.limit().get(), from);
            }
        } else if (maxPhysAddr.mode().equals("emulate")) {
            request = maxPhysAddr.bits().isPresent()
                    ? request.withPhysBits(maxPhysAddr.bits().get(), from)
                    : request.withHostPhysBits(false, from);
        }
        return request;
    }

    /**
     * With NUMA cells the guest's initial RAM is their sum, each rounded up to 1 MiB; otherwise it is
     * {@code <memory>} less the DIMMs, rounded up to 1 MiB.
     */
    static OptionalLong initialRam(DomainDef domain) {
        try {
            return OptionalLong.of(alignedInitialRam(domain));
        } catch (ArithmeticException e) {
            return OptionalLong.empty();
        }
    }

    private static long alignedInitialRam(DomainDef domain) {
        List<NumaCell> cells = domain.cpu().map(Cpu::numaCells).orElse(List.of());
        if (!cells.isEmpty()) {
            long sum = 0;
            for (NumaCell cell : cells) {
                sum = Math.addExact(sum, roundUp(cell.memory().map(MemorySize::bytes).orElse(0L),
                        INITIAL_MEMORY_ALIGNMENT));
            }
            return sum;
        }
        long total = domain.memory().memory().map(sized -> sized.size().kibRoundedUp() * MemorySize.KIB).orElse(0L);
        for (MemoryDevice device : domain.memoryDevices()) {
            total -= roundUp(device.size().map(MemorySize::bytes).orElse(0L), DIMM_ALIGNMENT);
        }
        return roundUp(Math.max(total, 0), INITIAL_MEMORY_ALIGNMENT);
    }

    private static OptionalLong maxMemory(DomainDef domain) {
        return domain.memory().maxMemory()
                .map(sized -> OptionalLong.of(sized.size().kibRoundedUp() * MemorySize.KIB))
                .orElse(OptionalLong.empty());
    }

    static long roundUp(long value, long alignment) {
        return Math.multiplyExact(Math.floorDiv(Math.addExact(value, alignment - 1), alignment), alignment);
    }

    /** QEMU's size syntax: bytes, or a number with a K/M/G/T/P/E suffix (powers of 1024). */
    static OptionalLong qemuSize(String text) {
        Matcher size = Pattern.compile("^(\\d+)([kKmMgGtTpPeE]?)[bB]?$").matcher(text.strip());
        if (!size.matches()) {
            return OptionalLong.empty();
        }
        int exponent = "kmgtpe".indexOf(size.group(2).toLowerCase(Locale.ROOT)) + 1;
        BigInteger bytes = new BigInteger(size.group(1)).shiftLeft(10 * exponent);
        return bytes.bitLength() < 64 ? OptionalLong.of(bytes.longValue()) : OptionalLong.empty();
    }

    private static boolean isOn(String value) {
        return value.equals("on") || value.equals("true") || value.equals("yes");
    }

    private static Optional<Integer> parseInt(String value) {
        OptionalInt parsed = parseIntOpt(value);
        return parsed.isPresent() ? Optional.of(parsed.getAsInt()) : Optional.empty();
    }

    private static OptionalInt parseIntOpt(String value) {
        try {
            return OptionalInt.of(Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
