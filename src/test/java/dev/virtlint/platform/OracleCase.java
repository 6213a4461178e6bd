package dev.virtlint.platform;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One QEMU configuration the oracle test starts, expressed both as {@link LayoutInput} and as a QEMU command line.
 *
 * @param label              why the case exists ("§7 …", "threshold …", "random #n")
 * @param machine            the -machine name as written, aliases included
 * @param explicitPhysBits   phys-bits set through {@code -global <model>-x86_64-cpu.phys-bits}, or null for the model's
 * @param hole64             {@code pci-hole64-size} set through {@code -global}, or null for the machine default
 * @param maxRamBelow4g      the {@code max-ram-below-4g} machine option, 0 when not given
 * @param qemu               the QEMU release the case runs on, and that the model is told
 */
record OracleCase(
        String label,
        String machine,
        CpuModel cpu,
        Integer explicitPhysBits,
        long ram,
        long maxMem,
        int slots,
        Long hole64,
        long maxRamBelow4g,
        Version qemu) {

    /**
     * A TCG CPU model with what QEMU gives it: the vendor decides the AMD 1 TiB rule, long mode the 8.2 32-bit rule.
     * The oracle reads vendor, lm and phys-bits back from QEMU, so a wrong entry here shows up as a disagreement.
     */
    record CpuModel(String name, boolean amd, boolean longMode, int defaultPhysBits, Version firstQemu) {
        private static final Version ALWAYS = Version.of(2, 0);

        static final CpuModel SKYLAKE_CLIENT = new CpuModel("Skylake-Client", false, true, 40, ALWAYS);
        static final CpuModel EPYC = new CpuModel("EPYC", true, true, 40, ALWAYS);
        /** Came with the EPYC cache-info versions of QEMU 8.1; QEMU 7.2's -cpu help lists EPYC-v1 to v3. */
        static final CpuModel EPYC_V4 = new CpuModel("EPYC-v4", true, true, 40, Version.of(8, 1));
        static final CpuModel QEMU64 = new CpuModel("qemu64", true, true, 40, ALWAYS);
        static final CpuModel PENTIUM3 = new CpuModel("pentium3", false, false, 36, ALWAYS);
        static final CpuModel ATHLON = new CpuModel("athlon", true, false, 36, ALWAYS);
        static final CpuModel PENTIUM = new CpuModel("pentium", false, false, 32, ALWAYS);

        boolean existsIn(Version qemu) {
            return qemu.compareTo(firstQemu) >= 0;
        }
    }

    MachineType machineType() {
        return MachineCatalogue.resolve(machine, QemuBinary.upstream(qemu))
                .orElseThrow(() -> new IllegalStateException("oracle case uses an unknown machine type: " + machine));
    }

    int physBits() {
        return explicitPhysBits != null ? explicitPhysBits : cpu.defaultPhysBits();
    }

    LayoutInput layoutInput() {
        LayoutInput.Builder builder = LayoutInput.builder(machineType(), qemu)
                .ram(ram)
                .maxMemory(maxMem, slots)
                .physBits(physBits())
                .amdCpu(cpu.amd())
                .longMode(cpu.longMode())
                .maxRamBelow4g(maxRamBelow4g);
        if (hole64 != null) {
            builder.pciHole64(hole64);
        }
        return builder.build();
    }

    /** QEMU's arguments: RAM from a sparse shared file so that terabytes cost nothing, QMP on stdio. */
    List<String> arguments(Path ramFile) {
        List<String> args = new ArrayList<>(List.of("-S", "-accel", "tcg", "-nodefaults", "-no-user-config",
                "-display", "none", "-qmp", "stdio", "-trace", "fw_cfg_add_file"));
        String machineOption = machine + ",memory-backend=ram0"
                + (maxRamBelow4g != 0 ? ",max-ram-below-4g=" + Long.toUnsignedString(maxRamBelow4g) : "");
        args.addAll(List.of("-machine", machineOption));
        args.addAll(List.of("-object", "memory-backend-file,id=ram0,size=" + ram + ",mem-path=" + ramFile + ",share=on"));
        args.addAll(List.of("-m", memoryOption()));
        args.addAll(List.of("-cpu", cpu.name()));
        if (explicitPhysBits != null) {
            args.addAll(List.of("-global", cpu.name() + "-x86_64-cpu.phys-bits=" + explicitPhysBits));
        }
        if (hole64 != null) {
            String hostBridge = machineType().family() == MachineFamily.Q35 ? "q35-pcihost" : "i440FX-pcihost";
            args.addAll(List.of("-global", hostBridge + ".pci-hole64-size=" + Long.toUnsignedString(hole64)));
        }
        return args;
    }

    private String memoryOption() {
        StringBuilder option = new StringBuilder("size=").append(ram).append('B');
        if (slots > 0) {
            option.append(",slots=").append(slots);
        }
        if (maxMem != 0) {
            option.append(",maxmem=").append(Long.toUnsignedString(maxMem)).append('B');
        }
        return option.toString();
    }

    @Override
    public String toString() {
        return String.format("[%s] QEMU %s -M %s -cpu %s phys-bits=%s ram=%s maxmem=%s slots=%d pcihole64=%s max-ram-below-4g=%s",
                label, qemu.series(), machine, cpu.name(), explicitPhysBits == null ? "default(" + cpu.defaultPhysBits() + ")" : explicitPhysBits,
                bytes(ram), maxMem == 0 ? "-" : bytes(maxMem), slots, hole64 == null ? "default" : bytes(hole64),
                maxRamBelow4g == 0 ? "-" : bytes(maxRamBelow4g));
    }

    private static String bytes(long value) {
        return Long.toUnsignedString(value) + " (0x" + Long.toHexString(value) + ")";
    }
}
