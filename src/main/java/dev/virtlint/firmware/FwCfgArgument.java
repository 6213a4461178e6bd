package dev.virtlint.firmware;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.virtlint.domain.QemuOptions;

/**
 * The value of one {@code -fw_cfg} option as QEMU parses it: comma-separated {@code key=value} pairs ({@code ,,} is
 * a literal comma), where a first item without {@code =} is the {@code name}. QEMU accepts {@code name} plus exactly
 * one non-empty {@code string}, {@code file} or {@code gen_id}, and exits with the message in {@link #error()}
 * otherwise (verified with QEMU 10.0.2).
 */
public record FwCfgArgument(Optional<String> name, Optional<String> string, Optional<String> file,
                            Optional<String> genId, Optional<String> error) {

    /** QEMU's FW_CFG_MAX_FILE_PATH is 56 bytes including the terminating NUL. */
    public static final int MAX_NAME_LENGTH = 55;

    public static FwCfgArgument parse(String value) {
        Map<String, String> options = new LinkedHashMap<>();
        List<String> items = QemuOptions.split(value);
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i);
            int equals = item.indexOf('=');
            String key = equals < 0 ? (i == 0 ? "name" : item) : item.substring(0, equals);
            String itemValue = equals < 0 ? (i == 0 ? item : "on") : item.substring(equals + 1);
            if (!List.of("name", "file", "string", "gen_id").contains(key)) {
                return invalid(options, "Invalid parameter '" + key + "'");
            }
            options.put(key, itemValue);
        }
        long contents = options.entrySet().stream()
                .filter(option -> !option.getKey().equals("name") && !option.getValue().isEmpty())
                .count();
        if (options.getOrDefault("name", "").isEmpty() || contents != 1
                || options.keySet().stream().filter(key -> !key.equals("name")).count() != 1) {
            return invalid(options, "name, plus exactly one of file, string and gen_id, are needed");
        }
        if (options.get("name").length() > MAX_NAME_LENGTH) {
            return invalid(options, "name too long (max. " + MAX_NAME_LENGTH + " char)");
        }
        return of(options, Optional.empty());
    }

    public boolean isValid() {
        return error.isEmpty();
    }

    private static FwCfgArgument invalid(Map<String, String> options, String message) {
        return of(options, Optional.of(message));
    }

    private static FwCfgArgument of(Map<String, String> options, Optional<String> error) {
        return new FwCfgArgument(Optional.ofNullable(options.get("name")), Optional.ofNullable(options.get("string")),
                Optional.ofNullable(options.get("file")), Optional.ofNullable(options.get("gen_id")), error);
    }
}
