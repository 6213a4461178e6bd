package dev.virtlint.cli;

/** When to colour text output; {@code auto} means a terminal and no {@code NO_COLOR}. */
enum ColorMode {
    auto, always, never;

    boolean enabled() {
        return switch (this) {
            case always -> true;
            case never -> false;
            case auto -> System.console() != null && isUnset(System.getenv("NO_COLOR"))
                    && !"dumb".equals(System.getenv("TERM"));
        };
    }

    private static boolean isUnset(String value) {
        return value == null || value.isEmpty();
    }
}
