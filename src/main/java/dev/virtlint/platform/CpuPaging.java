package dev.virtlint.platform;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Which QEMU CPU models have 1 GiB pages ({@code pdpe1gb}) and 5-level paging ({@code la57}) under TCG; OVMF's
 * window depends on both. Read from the installed QEMU by {@code scripts/qemu-cpu-paging.py}.
 */
final class CpuPaging {
    record Features(boolean gigabytePages, boolean la57) {
    }

    private static final Map<String, Features> MODELS = load();

    private CpuPaging() {
    }

    private static Map<String, Features> load() {
        Map<String, Features> models = new HashMap<>();
        try (var in = CpuPaging.class.getResourceAsStream("qemu-cpu-paging.tsv");
             var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("#") || line.isBlank()) {
                    continue;
                }
                String[] fields = line.split("\t");
                models.put(fields[0], new Features(fields[1].equals("pdpe1gb"), fields[2].equals("la57")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(models);
    }

    static Optional<Features> of(String model) {
        return Optional.ofNullable(MODELS.get(model));
    }
}
