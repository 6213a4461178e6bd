package dev.virtlint.rules;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A rule's identity, declared once on its class (as Error Prone's {@code @BugPattern} does). The ID is
 * stable forever; the name is kebab-case and, with the ID, names the doc {@code rules/ID-name.md}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface RuleInfo {
    String id();

    String name();

    Severity severity();

    Family family();

    /** One line, in the user's terms, shown by {@code virt-lint rules}. */
    String summary();
}
