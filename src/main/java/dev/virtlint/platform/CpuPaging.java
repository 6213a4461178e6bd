package dev.virtlint.platform;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.virtlint.data.GeneratedTable;

/**
 * Which QEMU CPU models have 1 GiB pages ({@code pdpe1gb}) and 5-level paging ({@code la57}) under TCG; OVMF's
 * window depends on both. Read from the installed QEMU by {@code scripts/qemu-cpu-paging.py}; an oracle test keeps
 * it in step.
 */
final class CpuPaging {
    record Features(boolean gigabytePages, boolean la57) {
    }

    private static final Map<String, Features> MODELS = load();

    private CpuPaging() {
    }

    private static Map<String, Features> load() {
        Map<String, Features> models = new HashMap<>();
        for (String[] row : GeneratedTable.load(CpuPaging.class, "qemu-cpu-paging.tsv").rows()) {
            models.put(row[0], new Features(row[1].equals("pdpe1gb"), row[2].equals("la57")));
        }
        return Map.copyOf(models);
    }

    static Optional<Features> of(String model) {
        return Optional.ofNullable(MODELS.get(model));
    }
}
