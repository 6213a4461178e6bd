package dev.virtlint.rules;

import java.util.List;

import dev.virtlint.xml.TextEdit;

/**
 * Text edits that resolve a finding. Safe fixes change only what the finding is about; unsafe ones change
 * guest-visible behaviour beyond it (less memory, another machine type) and are applied only on request.
 */
public record Fix(String description, Safety safety, List<TextEdit> edits) {

    public enum Safety { SAFE, UNSAFE }

    public Fix {
        edits = List.copyOf(edits);
    }

    public static Fix safe(String description, List<TextEdit> edits) {
        return new Fix(description, Safety.SAFE, edits);
    }

    public static Fix unsafe(String description, List<TextEdit> edits) {
        return new Fix(description, Safety.UNSAFE, edits);
    }
}
