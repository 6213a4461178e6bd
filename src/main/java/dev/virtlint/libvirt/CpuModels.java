package dev.virtlint.libvirt;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * QEMU's x86 CPU models: the CPUID vendor each one has under TCG, and whether it has long mode. Read
 * from the installed QEMU by {@code scripts/qemu-cpu-models.py}; an oracle test keeps it in step.
 */
public final class CpuModels {
    public static final String AMD = "AuthenticAMD";
    public static final String INTEL = "GenuineIntel";

    record Model(String vendor, boolean longMode) {
    }

    private static final Map<String, Model> MODELS = load();

    private CpuModels() {
    }

    private static Map<String, Model> load() {
        Map<String, Model> models = new HashMap<>();
        try (var in = CpuModels.class.getResourceAsStream("qemu-cpu-models.tsv");
             var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] fields = line.split("\t");
                models.put(fields[0], new Model(fields[1].equals("-") ? "" : fields[1], fields[2].equals("lm")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    public static boolean isKnown(String model) {
        return MODELS.containsKey(model);
    }
}
