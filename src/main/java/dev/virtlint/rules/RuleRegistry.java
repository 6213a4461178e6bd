package dev.virtlint.rules;

import java.util.List;
import java.util.Optional;

import dev.virtlint.rules.model.InvalidValue;
import dev.virtlint.rules.qemu.QemuNamespaceUndeclared;

/** Every rule, in ID order. Adding a rule is one line here plus its class, doc and fixtures. */
public final class RuleRegistry {
    private static final List<Rule> ALL = List.of(
            new InvalidValue(),
            new QemuNamespaceUndeclared());

    private RuleRegistry() {
    }

    public static List<Rule> all() {
        return ALL;
    }

    /** By ID ({@code VL501}, case-insensitive) or name ({@code qemu-namespace-undeclared}). */
    public static Optional<Rule> find(String idOrName) {
        return ALL.stream()
                .filter(rule -> rule.meta().id().equalsIgnoreCase(idOrName) || rule.meta().name().equals(idOrName))
                .findFirst();
    }
}
