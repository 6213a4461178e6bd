package dev.virtlint.platform;

import dev.virtlint.platform.OracleCase.CpuModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The configurations the oracle test compares on one QEMU release: fixed cases from the knowledge file, then seeded
 * random ones. Machine types and CPU models that release lacks are never drawn; a fixed case written for a newer
 * release runs with the newest machine type of its family and the base model of its CPU.
 */
final class OracleCases {

    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final long TIB = 1L << 40;
    private static final long MIN_RAM = 512 * MIB;
    private static final long MAX_RAM = 2 * TIB;

    private static final List<String> MACHINE_VERSIONS = List.of("2.4", "2.5", "2.6", "2.7", "2.8", "2.9", "2.10",
            "2.11", "2.12", "3.0", "3.1", "4.0", "4.1", "4.2", "5.0", "5.1", "5.2", "6.0", "6.1", "6.2", "7.0", "7.1",
            "7.2", "8.0", "8.1", "8.2", "9.0", "9.1", "9.2", "10.0");
    private static final List<String> BOUNDARY_MACHINES = List.of("pc-q35-7.0", "pc-q35-7.1", "pc-i440fx-7.0",
            "pc-i440fx-7.1", "pc-q35-8.1", "pc-q35-8.2", "pc-q35-2.4", "pc-i440fx-2.4", "pc-q35-4.0.1", "q35", "pc");
    private static final List<Long> BOUNDARY_RAM = List.of(512 * MIB, 2815 * MIB, 2816 * MIB, 3 * GIB, 3583 * MIB,
            3584 * MIB, 4 * GIB, 4097 * MIB, 16 * GIB, 1000 * GIB, TIB, 2 * TIB);
    private static final List<Integer> SLOT_COUNTS = List.of(0, 1, 1, 2, 4, 4, 8, 16, 32, 256);
    private static final List<Long> HOLE64_SIZES = List.of(0L, GIB, 2 * GIB, 1536 * MIB, 8 * GIB, 32 * GIB, 64 * GIB,
            256 * GIB, TIB, 4 * TIB);
    private static final List<Long> MAX_RAM_BELOW_4G = List.of(512 * MIB, GIB, 1500 * MIB, 2 * GIB, 2560 * MIB,
            3 * GIB, 3584 * MIB, 3840 * MIB, 4 * GIB, 5 * GIB);
    private static final List<Integer> EDGE_PHYS_BITS = List.of(31, 32, 33, 52, 53);

    private final Version qemu;
    private final List<String> machineVersions;
    private final List<String> boundaryMachines;

    private OracleCases(Version qemu) {
        this.qemu = qemu;
        this.machineVersions = MACHINE_VERSIONS.stream()
                .filter(version -> registered("pc-q35-" + version) && registered("pc-i440fx-" + version)).toList();
        this.boundaryMachines = BOUNDARY_MACHINES.stream().filter(this::registered).toList();
    }

    /**
     * The fixed cases followed by seeded random ones, {@code total} in all, for {@code qemu}; overflowing layouts are
     * never generated.
     */
    static List<OracleCase> generate(long seed, int total, Version qemu) {
        OracleCases generator = new OracleCases(qemu);
        List<OracleCase> cases = new ArrayList<>(generator.fixedCases());
        Random random = new Random(seed);
        int attempt = 0;
        while (cases.size() < total) {
            OracleCase candidate = generator.randomCase(random, "random #" + attempt++);
            if (AddressLayout.compute(candidate.layoutInput()).outcome() != AddressMap.Outcome.UNDEFINED) {
                cases.add(candidate);
            }
        }
        return cases;
    }

    private boolean registered(String machine) {
        QemuBinary binary = QemuBinary.upstream(qemu);
        return MachineCatalogue.resolve(machine, binary).isPresent()
                && MachineCatalogue.registration(machine, binary) != Registration.NOT_REGISTERED;
    }

    private OracleCase fixedCase(String label, String machine, CpuModel cpu, Integer physBits, long ram,
                                 long maxMem, int slots, Long hole64) {
        return fixedCase(label, machine, cpu, physBits, ram, maxMem, slots, hole64, 0);
    }

    private OracleCase fixedCase(String label, String machine, CpuModel cpu, Integer physBits, long ram,
                                 long maxMem, int slots, Long hole64, long maxRamBelow4g) {
        String runnable = registered(machine) ? machine : machine.startsWith("pc-q35-") ? "q35" : "pc";
        CpuModel model = cpu.existsIn(qemu) ? cpu : cpu.amd() ? CpuModel.EPYC : CpuModel.SKYLAKE_CLIENT;
        return new OracleCase(label, runnable, model, physBits, ram, maxMem, slots, hole64, maxRamBelow4g, qemu);
    }

    private List<OracleCase> fixedCases() {
        List<OracleCase> cases = new ArrayList<>();
        for (String machine : List.of("pc-q35-7.0", "pc-q35-7.1", "pc-i440fx-7.0", "pc-i440fx-7.1")) {
            for (CpuModel cpu : List.of(CpuModel.EPYC, CpuModel.SKYLAKE_CLIENT)) {
                cases.add(fixedCase("§7 worked example", machine, cpu, null, 16 * GIB, TIB, 4, null));
            }
        }
        cases.add(fixedCase("§7 with 42 bits", "pc-q35-7.1", CpuModel.EPYC, 42, 16 * GIB, TIB, 4, null));
        cases.add(fixedCase("§7 with 41 bits", "pc-q35-7.1", CpuModel.EPYC, 41, 16 * GIB, TIB, 4, null));

        long halfGib = 512 * MIB;
        cases.add(fixedCase("functional test: 7.0 AMD starts", "pc-q35-7.0", CpuModel.QEMU64, null, halfGib, 987 * GIB + halfGib, 1, null));
        cases.add(fixedCase("functional test: 7.0 AMD fails", "pc-q35-7.0", CpuModel.QEMU64, null, halfGib, 988 * GIB, 1, null));
        cases.add(fixedCase("functional test: 7.1 AMD starts", "pc-q35-7.1", CpuModel.QEMU64, null, halfGib, 975 * GIB + halfGib, 1, null));
        cases.add(fixedCase("functional test: 7.1 AMD fails", "pc-q35-7.1", CpuModel.QEMU64, null, halfGib, 976 * GIB, 1, null));
        cases.add(fixedCase("functional test: 7.1 Intel starts", "pc-q35-7.1", CpuModel.SKYLAKE_CLIENT, null, halfGib, 976 * GIB, 1, null));
        cases.add(fixedCase("functional test: EPYC-v4 41 bits starts", "pc-q35-7.1", CpuModel.EPYC_V4, 41, halfGib, 990 * GIB, 1, null));
        cases.add(fixedCase("functional test: EPYC-v4 41 bits fails", "pc-q35-7.1", CpuModel.EPYC_V4, 41, halfGib, 992 * GIB, 1, null));

        cases.add(fixedCase("broken_reserved_end", "pc-i440fx-2.4", CpuModel.SKYLAKE_CLIENT, null, 4 * GIB, 10 * GIB, 2, null));
        cases.add(fixedCase("broken_reserved_end", "pc-q35-2.4", CpuModel.EPYC, null, 4 * GIB, 2 * TIB, 2, null));
        cases.add(fixedCase("32-bit vCPU, 8.2 rule", "pc-q35-10.0", CpuModel.PENTIUM3, null, GIB, 80 * GIB, 1, null));
        cases.add(fixedCase("32-bit vCPU, broken check", "pc-q35-8.1", CpuModel.PENTIUM3, null, GIB, 80 * GIB, 1, null));
        cases.add(fixedCase("32-bit vCPU, end of RAM", "pc-q35-10.0", CpuModel.PENTIUM, null, 70 * GIB, 0, 0, null));
        cases.add(fixedCase("2^63 hole", "pc-q35-10.0", CpuModel.SKYLAKE_CLIENT, null, GIB, 0, 0, Long.MIN_VALUE));
        cases.add(fixedCase("2^63 hole, AMD", "pc-i440fx-10.0", CpuModel.EPYC, null, GIB, 0, 0, Long.MIN_VALUE));
        cases.add(fixedCase("hole ends at 2^64 - 1", "pc-q35-10.0", CpuModel.SKYLAKE_CLIENT, null, GIB, 0, 0, -4 * GIB));
        cases.add(fixedCase("2^63 maxmem", "pc-q35-10.0", CpuModel.QEMU64, null, GIB, Long.MIN_VALUE, 1, null));
        cases.add(fixedCase("too many slots", "pc-q35-10.0", CpuModel.EPYC, null, GIB, TIB, 300, null));
        cases.add(fixedCase("unaligned maxmem", "pc-q35-10.0", CpuModel.SKYLAKE_CLIENT, null, GIB, GIB + 1, 3, null));
        cases.add(fixedCase("hole relocates AMD without maxmem", "pc-q35-10.0", CpuModel.EPYC, 42, 8 * GIB, 0, 0, TIB));
        long holeReachingHtStart = AddressLayout.AMD_HT_START - 4 * GIB + 1;
        cases.add(fixedCase("max used GPA = AMD_HT_START: relocates", "pc-q35-10.0", CpuModel.EPYC, 41, GIB, 0, 0, holeReachingHtStart));
        cases.add(fixedCase("max used GPA = AMD_HT_START - 1: stays", "pc-q35-10.0", CpuModel.EPYC, 41, GIB, 0, 0, holeReachingHtStart - 1));
        cases.add(fixedCase("HT reservation needs 40 bits", "pc-q35-10.0", CpuModel.EPYC, 39, 8 * GIB, 0, 0, null));
        cases.add(fixedCase("max-ram-below-4g", "pc-i440fx-10.0", CpuModel.SKYLAKE_CLIENT, null, 3900 * MIB, 0, 0, null, 4 * GIB));
        cases.add(fixedCase("max-ram-below-4g", "pc-q35-10.0", CpuModel.SKYLAKE_CLIENT, null, 4 * GIB, 0, 0, null, 1500 * MIB));
        return cases;
    }

    private OracleCase randomCase(Random random, String label) {
        String machine = randomMachine(random);
        CpuModel cpu = randomCpu(random);
        Integer physBits = cpu.longMode() ? randomPhysBits(random) : null;
        long ram = random.nextInt(4) == 0 ? pick(random, BOUNDARY_RAM) : logUniform(random, MIN_RAM, MAX_RAM) & -MIB;
        long maxMem = 0;
        int slots = 0;
        int memoryShape = random.nextInt(100);
        if (memoryShape < 50) {
            slots = pick(random, SLOT_COUNTS);
            long extra = random.nextInt(10) == 0 ? logUniform(random, 4096, 4 * GIB) : logUniform(random, MIB, 2 * TIB) & -MIB;
            maxMem = ram + extra;
        } else if (memoryShape < 52) {
            slots = 1 + random.nextInt(4);
            maxMem = ram;
        } else if (memoryShape < 53) {
            slots = 2;
            maxMem = ram - MIB;
        } else if (memoryShape < 54) {
            slots = 2;
        }
        Long hole64 = null;
        if (random.nextInt(100) < 35) {
            hole64 = random.nextBoolean() ? pick(random, HOLE64_SIZES) : logUniform(random, MIB, 16 * TIB) & -MIB;
        }
        long maxRamBelow4g = random.nextInt(100) < 12 ? pick(random, MAX_RAM_BELOW_4G) : 0;
        return new OracleCase(label, machine, cpu, physBits, ram, maxMem, slots, hole64, maxRamBelow4g, qemu);
    }

    private String randomMachine(Random random) {
        int draw = random.nextInt(100);
        if (draw < 15) {
            return pick(random, boundaryMachines);
        }
        String family = random.nextBoolean() ? "pc-q35-" : "pc-i440fx-";
        return family + pick(random, machineVersions);
    }

    private static CpuModel randomCpu(Random random) {
        int draw = random.nextInt(100);
        if (draw < 42) {
            return CpuModel.EPYC;
        }
        if (draw < 80) {
            return CpuModel.SKYLAKE_CLIENT;
        }
        if (draw < 90) {
            return CpuModel.QEMU64;
        }
        return pick(random, List.of(CpuModel.PENTIUM3, CpuModel.ATHLON, CpuModel.PENTIUM));
    }

    private static Integer randomPhysBits(Random random) {
        int draw = random.nextInt(100);
        if (draw < 20) {
            return null;
        }
        if (draw < 27) {
            return pick(random, EDGE_PHYS_BITS);
        }
        return 36 + random.nextInt(13);
    }

    /** Spreads values evenly over orders of magnitude, so 1 GiB and 1 TiB are drawn about as often. */
    private static long logUniform(Random random, long low, long high) {
        double logLow = Math.log(low);
        double logHigh = Math.log(high);
        long value = (long) Math.exp(logLow + random.nextDouble() * (logHigh - logLow));
        return Math.max(low, Math.min(high, value));
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
