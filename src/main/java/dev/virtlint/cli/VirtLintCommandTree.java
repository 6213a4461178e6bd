package dev.virtlint.cli;

import picocli.CommandLine.Command;

/**
 * The whole command tree as one annotated class, for picocli's man-page and completion generators (see
 * pom.xml) and for tests that walk every command. The CLI itself adds the subcommands only when an argument
 * may need them ({@link Main#SUBCOMMANDS}); the two lists are kept equal by a test.
 */
@Command(subcommands = {RulesCommand.class, ExplainCommand.class, MapCommand.class, HostFactsCommand.class,
    DefineCommand.class, HookCommand.class})
public final class VirtLintCommandTree extends VirtLintCommand {
}
