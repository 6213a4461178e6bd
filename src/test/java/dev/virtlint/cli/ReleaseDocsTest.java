package dev.virtlint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.virtlint.support.ProjectPaths;
import dev.virtlint.support.RealStack;

/** What the README tells people to copy must work: the pre-commit pin names a real commit, the changelog the version. */
class ReleaseDocsTest {
    private static final Pattern CHANGELOG_ENTRY = Pattern.compile("(?m)^## (\\S+)");
    private static final Pattern PRE_COMMIT_REV = Pattern.compile("(?m)^\\s+rev: (\\S+)");

    @Test
    void theChangelogsTopEntryIsTheVersionVirtLintPrints() throws Exception {
        Matcher entry = CHANGELOG_ENTRY.matcher(Files.readString(ProjectPaths.projectDir().resolve("CHANGELOG.md")));
        assertTrue(entry.find(), "CHANGELOG.md has no '## VERSION' entry");
        assertEquals(VersionProvider.version(), entry.group(1));
    }

    @Test
    void theReadmesPreCommitExamplePinsACommitThatHasTheHooks() throws Exception {
        Matcher rev = PRE_COMMIT_REV.matcher(Files.readString(ProjectPaths.projectDir().resolve("README.md")));
        assertTrue(rev.find(), "the README's .pre-commit-config.yaml example has no rev");
        assertTrue(rev.group(1).matches("[0-9a-f]{40}"), "pre-commit needs a tag or a full commit hash, and virt-lint"
                + " has no tags: " + rev.group(1));
        Assumptions.assumeTrue(RealStack.onPath("git") && Files.exists(ProjectPaths.projectDir().resolve(".git")),
                "not a git checkout: the pinned commit cannot be looked up");
        RealStack.Result shallow = RealStack.run(List.of("git", "-C", ProjectPaths.projectDir().toString(),
                "rev-parse", "--is-shallow-repository"), 30);
        Assumptions.assumeFalse(shallow.output().strip().equals("true"), "a shallow clone lacks the pinned commit");
        RealStack.Result hooks = RealStack.run(List.of("git", "-C", ProjectPaths.projectDir().toString(), "show",
                rev.group(1) + ":.pre-commit-hooks.yaml"), 30);
        assertEquals(0, hooks.exitCode(), "the pinned commit " + rev.group(1) + " has no .pre-commit-hooks.yaml: "
                + hooks.output());
        assertTrue(hooks.output().contains("id: virt-lint\n") && hooks.output().contains("id: virt-lint-fix\n"),
                hooks.output());
    }
}
