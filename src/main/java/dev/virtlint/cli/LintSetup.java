package dev.virtlint.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import dev.virtlint.config.ConfigException;
import dev.virtlint.config.ConfigResolver;
import dev.virtlint.config.Settings;
import dev.virtlint.firmware.DeclaredDevices;
import dev.virtlint.fix.FixApplier;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.lint.Linter;
import dev.virtlint.platform.HostCpu;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.rules.Severity;
import dev.virtlint.rules.model.SchemaInvalid;
import dev.virtlint.schema.SchemaCheck;
import dev.virtlint.xml.SafeXmlLoader;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.TypeConversionException;

/**
 * Turns configuration plus command line into what linting one file needs. Each input's settings come from
 * its configuration file (see {@link ConfigResolver}); an option given on the command line wins over the
 * same key in the file. Files with the same effective settings share one {@link Profile}, so a directory
 * of a thousand domains under one configuration reads its host facts once.
 */
final class LintSetup {
    /**
     * What one set of settings means for linting: the linter, the fixer, the exit threshold, and the environments
     * (one, or one per host of a fleet) the linter checks each file in.
     */
    record Profile(Linter linter, FixApplier applier, Optional<Severity> threshold, List<Rule> rules,
                   List<LintEnvironment> environments) {
    }

    /** An input with the profile its configuration gives it: all that a worker needs to lint it. */
    record PlannedInput(Input input, Profile profile) {
    }

    /** Options of the command that, when given, win over the configuration. */
    record CommandLineSettings(Optional<FailOn> failOn, Optional<Boolean> unsafeFixes, Optional<List<String>> select,
                               Optional<List<String>> ignore) {
    }

    private final ConfigResolver resolver;
    private final CommandSpec targetOptions;
    private final ParseResult parsed;
    private final CommandLineSettings commandLine;
    private final long maxFileSize;
    private final Consumer<String> warn;
    private final Optional<HostCpu> connectionCpu;
    private final Map<Settings, Profile> profiles = new HashMap<>();

    LintSetup(ConfigResolver resolver, CommandSpec targetOptions, ParseResult parsed, CommandLineSettings commandLine,
              long maxFileSize, Consumer<String> warn, Optional<HostCpu> connectionCpu) {
        this.resolver = resolver;
        this.targetOptions = targetOptions;
        this.parsed = parsed;
        this.commandLine = commandLine;
        this.maxFileSize = maxFileSize;
        this.warn = warn;
        this.connectionCpu = connectionCpu;
    }

    /** The resolver {@code --config} and {@code --isolated} ask for; discovery stops at $HOME. */
    static ConfigResolver resolver(Path configFile, boolean isolated) throws ConfigException {
        if (isolated) {
            return ConfigResolver.isolated();
        }
        if (configFile != null) {
            return ConfigResolver.explicit(configFile);
        }
        String home = System.getenv("HOME");
        return ConfigResolver.discovering(Path.of(home == null || home.isEmpty() ? System.getProperty("user.home")
                : home));
    }

    /**
     * The settings for an input at {@code location} (a file, or for standard input and libvirt domains a
     * name in the working directory), with the command line's options applied over them.
     */
    Settings settingsFor(Path location) throws ConfigException {
        Settings settings = resolver.settingsFor(location);
        return settings.overriddenBy(new Settings(commandLine.select(), commandLine.ignore(), Map.of(),
                commandLine.failOn().map(FailOn::name), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), commandLine.unsafeFixes(), DeclaredDevices.NONE));
    }

    /** The input with the profile of the configuration found for it. */
    PlannedInput plan(Input input) throws ConfigException, TypeConversionException {
        return new PlannedInput(input, profile(settingsFor(configLocation(input))));
    }

    /** Where an input's configuration is looked for: beside the file, else in the working directory. */
    private static Path configLocation(Input input) {
        Path workingDirectory = Path.of("").toAbsolutePath();
        if (input instanceof Input.NamedFile file) {
            return file.path();
        }
        if (input instanceof Input.FoundFile file) {
            return file.path();
        }
        if (input instanceof Input.StandardInput stdin) {
            try {
                return workingDirectory.resolve(stdin.displayName());
            } catch (InvalidPathException e) {
                return workingDirectory.resolve("stdin");
            }
        }
        return workingDirectory.resolve("domain.xml");
    }

    /** The profile for these settings, built on first use. Throws for a host root that cannot be read. */
    Profile profile(Settings settings) throws TypeConversionException {
        Profile existing = profiles.get(settings);
        if (existing != null) {
            return existing;
        }
        List<Rule> rules = settings.ruleSelection().apply(RuleRegistry.all());
        List<LintEnvironment> environments = environments(settings);
        if (rules.stream().anyMatch(SchemaInvalid.class::isInstance)) {
            environments.forEach(environment -> SchemaCheck.compileAhead(environment.libvirtSchemas()));
        }
        Linter linter = new Linter(new SafeXmlLoader(maxFileSize), rules, environments);
        Profile profile = new Profile(linter, new FixApplier(linter, settings.unsafeFixes().orElse(false)),
                FailOn.valueOf(settings.failOn().orElse(FailOn.error.name())).threshold(), rules,
                List.copyOf(environments));
        profiles.put(settings, profile);
        return profile;
    }

    /**
     * One environment, or one per host of the configuration's fleet ({@code hosts:} with more than one host, unless
     * {@code --host-root} names the host on the command line).
     */
    private List<LintEnvironment> environments(Settings settings) throws TypeConversionException {
        List<Path> fleet = settings.hostRoots().orElse(List.of());
        if (fleet.size() <= 1 || parsed.hasMatchedOption("--host-root")) {
            LintEnvironment environment = targetFor(settings, fleet.stream().findFirst()).environment(warn);
            if (environment.hostFacts().isEmpty() && connectionCpu.isPresent()) {
                environment = environment.withHostCpu(connectionCpu.get());
            }
            return List.of(environment.withDeclaredDevices(settings.devices()));
        }
        List<String> names = hostNames(fleet);
        List<LintEnvironment> environments = new ArrayList<>();
        for (int i = 0; i < fleet.size(); i++) {
            String name = names.get(i);
            environments.add(targetFor(settings, Optional.of(fleet.get(i)))
                    .environment(message -> warn.accept(message.replaceFirst("^virt-lint: host facts:",
                            "virt-lint: host facts of " + name + ":")))
                    .named(name).withDeclaredDevices(settings.devices()));
        }
        return environments;
    }

    /** Each host by its directory's name ({@code hv02}), or by its last two path elements where names repeat. */
    static List<String> hostNames(List<Path> roots) {
        List<String> names = roots.stream().map(root -> root.getFileName().toString()).toList();
        if (names.stream().distinct().count() == names.size()) {
            return names;
        }
        return roots.stream().map(root -> root.getParent() == null || root.getParent().getFileName() == null
                ? root.toString() : root.getParent().getFileName() + "/" + root.getFileName()).toList();
    }

    /**
     * The command's target options with the configuration's values filled in where the command line left them
     * out. The copy goes through picocli's model so that every target option is carried over, whichever exist.
     */
    private TargetOptions targetFor(Settings settings, Optional<Path> hostRoot) {
        TargetOptions copy = new TargetOptions();
        CommandSpec copySpec = CommandSpec.forAnnotatedObject(copy);
        for (OptionSpec option : targetOptions.options()) {
            copySpec.findOption(option.longestName()).setValue(option.getValue());
        }
        fillIn(copySpec, "--qemu-version", settings.qemuVersion());
        fillIn(copySpec, "--libvirt-version", settings.libvirtVersion());
        fillIn(copySpec, "--ovmf-version", settings.ovmfVersion());
        fillIn(copySpec, "--host-root", hostRoot);
        return copy;
    }

    private void fillIn(CommandSpec spec, String option, Optional<?> configured) {
        if (configured.isPresent() && !parsed.hasMatchedOption(option)) {
            spec.findOption(option).setValue(configured.get());
        }
    }
}
