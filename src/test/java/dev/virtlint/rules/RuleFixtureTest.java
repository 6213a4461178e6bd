package dev.virtlint.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import dev.virtlint.fix.FixApplier;
import dev.virtlint.lint.FileResult;
import dev.virtlint.host.HostRootReader;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.lint.Linter;
import dev.virtlint.platform.Accel;
import dev.virtlint.platform.HostCpu;
import dev.virtlint.platform.TargetStack;
import dev.virtlint.platform.VendorBuild;
import dev.virtlint.platform.Version;
import dev.virtlint.schema.DomainSchema;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * Walks {@code testdata/rules/<ID>/}. In each fixture, {@code <!-- expect: ID -->} on its own line says a
 * finding of that rule starts on the next line that is not itself an expectation; {@code <!-- expect-none:
 * ID -->} says the file has none. For the directory's own rule every finding must be expected. A file
 * {@code NAME.fixed.xml} beside {@code NAME.xml} is the byte-exact result of fixing it, and must itself be
 * free of the rule and unchanged by a second fix.
 */
class RuleFixtureTest {
    private static final Pattern EXPECT = Pattern.compile("^\\s*<!--\\s*expect:\\s*(VL\\d{3})\\s*-->\\s*$");
    private static final Pattern EXPECT_NONE = Pattern.compile("<!--\\s*expect-none:\\s*(VL\\d{3})\\s*-->");

    private static final Pattern SETTINGS = Pattern.compile("<!--\\s*fixture:(.*?)-->");

    /**
     * A fixture may say what it runs on: {@code <!-- fixture: accel=tcg qemu-version=10.0 qemu-build=upstream
     * libvirt-version=8.6.0 host-vendor=AuthenticAMD host-phys-bits=48 -->}; without qemu-version the QEMU version is
     * assumed, as on a command line that names none. Or {@code host-root=NAME} for a
     * captured host under {@code testdata/hosts/}; {@code needs=libvirt-schemas} skips it where libvirt's schemas
     * are not installed.
     */
    private static Linter linterFor(Path file) throws IOException {
        TargetStack stack = TargetStack.defaults();
        Optional<String> hostVendor = Optional.empty();
        Optional<Path> hostRoot = Optional.empty();
        OptionalInt hostBits = OptionalInt.empty();
        Matcher settings = SETTINGS.matcher(Files.readString(file));
        if (settings.find()) {
            for (String setting : settings.group(1).trim().split("\\s+")) {
                String[] kv = setting.split("=", 2);
                switch (kv[0]) {
                    case "accel" -> stack = new TargetStack(stack.qemuVersion(), stack.qemuBuild(), stack.libvirt(),
                            stack.ovmf(), Optional.of(Accel.valueOf(kv[1].toUpperCase(java.util.Locale.ROOT))),
                            stack.qemuAssumed());
                    case "qemu-version" -> stack = new TargetStack(Version.parse(kv[1]), stack.qemuBuild(),
                            stack.libvirt(), stack.ovmf(), stack.accel(), false);
                    case "libvirt-version" -> stack = new TargetStack(stack.qemuVersion(), stack.qemuBuild(),
                            Version.parse(kv[1]), stack.ovmf(), stack.accel(), stack.qemuAssumed());
                    case "qemu-build" -> stack = new TargetStack(stack.qemuVersion(),
                            Optional.of(VendorBuild.valueOf(kv[1].toUpperCase(java.util.Locale.ROOT))), stack.libvirt(),
                            stack.ovmf(), stack.accel(), stack.qemuAssumed());
                    case "host-root" -> hostRoot = Optional.of(ProjectPaths.testdata().resolve("hosts").resolve(kv[1]));
                    case "host-vendor" -> hostVendor = Optional.of(kv[1]);
                    case "host-phys-bits" -> hostBits = OptionalInt.of(Integer.parseInt(kv[1]));
                    case "needs" -> assumeInstalled(kv[1], file);
                    default -> throw new AssertionError("unknown fixture setting " + setting + " in " + file);
                }
            }
        }
        if (hostRoot.isPresent()) {
            return new Linter(new SafeXmlLoader(), RuleRegistry.all(),
                    LintEnvironment.of(stack, Optional.of(HostRootReader.read(hostRoot.get()))));
        }
        LintEnvironment environment = new LintEnvironment(stack, new HostCpu(hostVendor, hostBits), Optional.empty());
        return new Linter(new SafeXmlLoader(), RuleRegistry.all(), environment);
    }

    private static void assumeInstalled(String what, Path file) {
        if (!what.equals("libvirt-schemas")) {
            throw new AssertionError("unknown fixture need " + what + " in " + file);
        }
        Path schema = DomainSchema.INSTALLED.resolve("domain.rng");
        Assumptions.assumeTrue(Files.isRegularFile(schema),
                schema + " is not installed (no libvirt): " + file.getFileName() + " not checked");
    }

    @TestFactory
    Stream<DynamicTest> fixtures() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.walk(ProjectPaths.testdata().resolve("rules"))) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".xml") || name.endsWith(".fixed.xml")) {
                    continue;
                }
                String rule = file.getParent().getFileName().toString();
                tests.add(DynamicTest.dynamicTest(rule + "/" + name, () -> checkExpectations(file, rule)));
                Path fixed = file.resolveSibling(name.replace(".xml", ".fixed.xml"));
                if (Files.exists(fixed)) {
                    tests.add(DynamicTest.dynamicTest(rule + "/" + name + " fix", () -> checkFix(file, fixed, rule)));
                }
            }
        }
        assertFalse(tests.isEmpty(), "no fixtures found under testdata/rules");
        return tests.stream();
    }

    private void checkExpectations(Path file, String directoryRule) throws IOException {
        List<String> lines = Files.readAllLines(file);
        Set<String> expected = new TreeSet<>();
        Set<String> checkedRules = new TreeSet<>(Set.of(directoryRule));
        for (int i = 0; i < lines.size(); i++) {
            Matcher expect = EXPECT.matcher(lines.get(i));
            if (expect.matches()) {
                int target = i + 1;
                while (target < lines.size() && EXPECT.matcher(lines.get(target)).matches()) {
                    target++;
                }
                expected.add(expect.group(1) + "@" + (target + 1));
                checkedRules.add(expect.group(1));
            }
            Matcher none = EXPECT_NONE.matcher(lines.get(i));
            while (none.find()) {
                checkedRules.add(none.group(1));
            }
        }
        FileResult result = linterFor(file).lint(file, true);
        assertTrue(result.error().isEmpty(), () -> "fixture does not load: " + result.error().get().oneLine());
        Set<String> actual = new TreeSet<>();
        for (Finding finding : result.findings()) {
            if (checkedRules.contains(finding.rule().id())) {
                actual.add(finding.rule().id() + "@" + finding.start().line());
            }
        }
        assertEquals(expected, actual, "findings (RULE@line) in " + file);
    }

    private void checkFix(Path file, Path fixedFile, String rule) throws Exception {
        Linter linter = linterFor(file);
        FileResult before = linter.lint(file, true);
        var source = new SafeXmlLoader().load(file).source();
        FixApplier.Outcome outcome = new FixApplier(linter, true, rule::equals).apply(source, before);
        assertTrue(outcome.converged(), "fix did not converge: " + outcome.unconvergedRules());
        assertEquals(Files.readString(fixedFile), outcome.text().text(), "fixed text of " + file);
        assertTrue(outcome.result().findings().stream().noneMatch(f -> f.rule().id().equals(rule)),
                "the fix left a " + rule + " finding");

        FileResult refixed = linterFor(fixedFile).lint(fixedFile, true);
        var again = new FixApplier(linter, true, rule::equals).apply(new SafeXmlLoader().load(fixedFile).source(),
                refixed);
        assertEquals(Files.readString(fixedFile), again.text().text(), "fixing the fixed file changed it");
    }
}
