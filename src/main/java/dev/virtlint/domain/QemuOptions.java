package dev.virtlint.domain;

import java.util.ArrayList;
import java.util.List;

/** QEMU's option-string syntax, which {@code qemu:arg} values after {@code -device}, {@code -fw_cfg} and the like carry. */
public final class QemuOptions {
    private QemuOptions() {
    }

    /** Splits a key=value option string at single commas; QEMU reads {@code ,,} as a literal comma. */
    public static List<String> split(String value) {
        List<String> parts = new ArrayList<>();
        StringBuilder part = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ',' && i + 1 < value.length() && value.charAt(i + 1) == ',') {
                part.append(',');
                i++;
            } else if (c == ',') {
                parts.add(part.toString());
                part.setLength(0);
            } else {
                part.append(c);
            }
        }
        parts.add(part.toString());
        return parts;
    }
}
