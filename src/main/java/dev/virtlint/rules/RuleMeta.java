package dev.virtlint.rules;

/** The metadata of a rule, read from its {@link RuleInfo}. */
public record RuleMeta(String id, String name, Severity severity, Family family, String summary) {

    /**
     * Read once per class: every finding asks for its rule's metadata, and reading the annotation each time was a
     * tenth of a warm lint of a GPU domain checked on every host of a range.
     */
    private static final ClassValue<RuleMeta> BY_CLASS = new ClassValue<>() {
        @Override
        protected RuleMeta computeValue(Class<?> ruleClass) {
            RuleInfo info = ruleClass.getAnnotation(RuleInfo.class);
            if (info == null) {
                throw new IllegalStateException(ruleClass.getName() + " lacks @RuleInfo");
            }
            return new RuleMeta(info.id(), info.name(), info.severity(), info.family(), info.summary());
        }
    };

    static RuleMeta of(Class<?> ruleClass) {
        return BY_CLASS.get(ruleClass);
    }

    /** The file name of the rule's doc under {@code rules/}. */
    public String docFileName() {
        return id + "-" + name + ".md";
    }
}
