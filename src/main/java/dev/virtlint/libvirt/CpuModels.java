package dev.virtlint.libvirt;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.virtlint.data.GeneratedTable;

/**
 * QEMU's x86 CPU models: the CPUID vendor each one has under TCG, whether it has long mode and 1 GiB pages
 * ({@code pdpe1gb}), on which OVMF's 64-bit window depends. The models of QEMU 10.0 are read from the installed QEMU
 * by {@code scripts/qemu-cpu-models.py}, and an oracle test keeps them in step; the ones later releases added are
 * read from QEMU's source ({@link #ADDED_AFTER_10_0}) and exist only for a QEMU at least that new.
 */
public final class CpuModels {
    public static final String AMD = "AuthenticAMD";
    public static final String INTEL = "GenuineIntel";

    private record Model(String vendor, boolean longMode, boolean gigabytePages) {
    }

    /**
     * A model or model version a release after 10.0 added to {@code builtin_x86_defs} in {@code target/i386/cpu.c}
     * (commits in {@code docs/qemu-releases.md}), with the 10.0 model whose vendor, long mode and 1 GiB pages it has:
     * no version sets {@code vendor}, {@code lm} or {@code pdpe1gb}, so a version has its model's.
     */
    private record AddedModel(String name, String sameAs, int sinceMajor, int sinceMinor) {
        AddedModel(String name, String sameAs, int[] since) {
            this(name, sameAs, since[0], since[1]);
        }

        boolean inQemu(int major, int minor) {
            return major > sinceMajor || major == sinceMajor && minor >= sinceMinor;
        }
    }

    private static final int[] QEMU_10_1 = {10, 1};
    /** Read at the 11.0 development commit of 2026-02-13: models 11.0 added after it are not here. */
    private static final int[] QEMU_11_0 = {11, 0};

    private static final List<AddedModel> ADDED_AFTER_10_0 = List.of(
            // EPYC-Turin is a model of its own; its definition has vendor AMD, lm and pdpe1gb, as EPYC-Genoa.
            new AddedModel("EPYC-Turin", "EPYC-Genoa", QEMU_10_1),
            new AddedModel("EPYC-Turin-v1", "EPYC-Genoa", QEMU_10_1),
            new AddedModel("EPYC-v5", "EPYC", QEMU_10_1),
            new AddedModel("EPYC-Rome-v5", "EPYC-Rome", QEMU_10_1),
            new AddedModel("EPYC-Milan-v3", "EPYC-Milan", QEMU_10_1),
            new AddedModel("EPYC-Genoa-v2", "EPYC-Genoa", QEMU_10_1),
            new AddedModel("SapphireRapids-v4", "SapphireRapids", QEMU_10_1),
            new AddedModel("GraniteRapids-v3", "GraniteRapids", QEMU_10_1),
            new AddedModel("SierraForest-v3", "SierraForest", QEMU_10_1),
            new AddedModel("YongFeng-v3", "YongFeng", QEMU_10_1),
            // DiamondRapids' definition has vendor Intel, lm and pdpe1gb, as GraniteRapids.
            new AddedModel("DiamondRapids", "GraniteRapids", QEMU_11_0),
            new AddedModel("DiamondRapids-v1", "GraniteRapids", QEMU_11_0),
            new AddedModel("SapphireRapids-v5", "SapphireRapids", QEMU_11_0),
            new AddedModel("GraniteRapids-v4", "GraniteRapids", QEMU_11_0),
            new AddedModel("SierraForest-v4", "SierraForest", QEMU_11_0),
            new AddedModel("ClearwaterForest-v2", "ClearwaterForest", QEMU_11_0));

    private static final Map<String, Model> MODELS = load();

    private CpuModels() {
    }

    private static Map<String, Model> load() {
        Map<String, Model> models = new HashMap<>();
        for (String[] row : GeneratedTable.load(CpuModels.class, "qemu-cpu-models.tsv").rows()) {
            models.put(row[0], new Model(row[1].equals("-") ? "" : row[1], row[2].equals("lm"),
                    row[3].equals("pdpe1gb")));
        }
        return Map.copyOf(models);
    }

    /** The model as QEMU {@code qemuMajor.qemuMinor} has it: one of 10.0's, or one a release up to it added. */
    private static Optional<Model> model(String name, int qemuMajor, int qemuMinor) {
        Model known = MODELS.get(name);
        if (known != null) {
            return Optional.of(known);
        }
        return ADDED_AFTER_10_0.stream()
                .filter(added -> added.name().equals(name) && added.inQemu(qemuMajor, qemuMinor))
                .findFirst()
                .map(added -> MODELS.get(added.sameAs()));
    }

    /**
     * The model's own CPUID vendor string (what the guest sees under TCG), if QEMU {@code qemuMajor.qemuMinor} has
     * the model.
     */
    public static Optional<String> vendor(String model, int qemuMajor, int qemuMinor) {
        return model(model, qemuMajor, qemuMinor).map(Model::vendor).filter(v -> !v.isEmpty());
    }

    /** Whether the model has long mode; unknown models are assumed 64-bit, as every passthrough guest is. */
    public static boolean longMode(String model) {
        Model known = MODELS.get(model);
        return known == null || known.longMode();
    }

    /** Whether the model has 1 GiB pages under TCG, if QEMU {@code qemuMajor.qemuMinor} has the model. */
    public static Optional<Boolean> gigabytePages(String model, int qemuMajor, int qemuMinor) {
        return model(model, qemuMajor, qemuMinor).map(Model::gigabytePages);
    }

    public static boolean isKnown(String model) {
        return MODELS.containsKey(model);
    }
}
