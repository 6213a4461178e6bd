package dev.virtlint.libvirt;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.virtlint.data.GeneratedTable;

/**
 * QEMU's x86 CPU models: the CPUID vendor each one has under TCG, whether it has long mode and 1 GiB pages
 * ({@code pdpe1gb}), on which OVMF's 64-bit window depends. Read
 * from the installed QEMU by {@code scripts/qemu-cpu-models.py}; an oracle test keeps it in step.
 */
public final class CpuModels {
    public static final String AMD = "AuthenticAMD";
    public static final String INTEL = "GenuineIntel";

    private record Model(String vendor, boolean longMode, boolean gigabytePages) {
    }

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

    /** The model's own CPUID vendor string (what the guest sees under TCG), if QEMU knows the model. */
    public static Optional<String> vendor(String model) {
        return Optional.ofNullable(MODELS.get(model)).map(Model::vendor).filter(v -> !v.isEmpty());
    }

    /** Whether the model has long mode; unknown models are assumed 64-bit, as every passthrough guest is. */
    public static boolean longMode(String model) {
        Model known = MODELS.get(model);
        return known == null || known.longMode();
    }

    /** Whether the model has 1 GiB pages under TCG, if QEMU knows the model. */
    public static Optional<Boolean> gigabytePages(String model) {
        return Optional.ofNullable(MODELS.get(model)).map(Model::gigabytePages);
    }

    public static boolean isKnown(String model) {
        return MODELS.containsKey(model);
    }
}
