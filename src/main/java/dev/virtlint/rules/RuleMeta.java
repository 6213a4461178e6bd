package dev.virtlint.rules;

/** The metadata of a rule, read from its {@link RuleInfo}. */
public record RuleMeta(String id, String name, Severity severity, Family family, String summary) {

    static RuleMeta of(Class<?> ruleClass) {
        RuleInfo info = ruleClass.getAnnotation(RuleInfo.class);
        if (info == null) {
            throw new IllegalStateException(ruleClass.getName() + " lacks @RuleInfo");
        }
        return new RuleMeta(info.id(), info.name(), info.severity(), info.family(), info.summary());
    }

    /** The file name of the rule's doc under {@code rules/}. */
    public String docFileName() {
        return id + "-" + name + ".md";
    }
}
