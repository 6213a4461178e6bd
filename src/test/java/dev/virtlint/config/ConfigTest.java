package dev.virtlint.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;

/** .virt-lint.yaml: discovery, every key, overrides, precedence of the command line, and errors. */
class ConfigTest {
    private static final String UNDECLARED = "<domain type='qemu'>\n  <name>x</name>\n  <memory unit='GiB'>4</memory>\n"
            + "  <qemu:commandline><qemu:arg value='-S'/></qemu:commandline>\n"
            + "  <os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>\n</domain>\n";
    private static final String ALIAS = "<domain type='qemu'>\n  <name>a</name>\n  <memory unit='GiB'>4</memory>\n"
            + "  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n</domain>\n";
    private static final String KVM = "<domain type='kvm'>\n  <name>k</name>\n  <memory unit='GiB'>4</memory>\n"
            + "  <os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>\n"
            + "  <cpu mode='host-passthrough'/>\n  <devices><hostdev mode='subsystem' type='pci' managed='yes'><source>"
            + "<address domain='0' bus='0x41' slot='0' function='0'/></source></hostdev></devices>\n</domain>\n";

    @TempDir
    Path dir;

    private Path write(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private Path repository(String name) throws IOException {
        Path repo = dir.resolve(name);
        Files.createDirectories(repo.resolve(".git"));
        return repo;
    }

    @Test
    void theNearestConfigurationAboveAFileApplies() throws IOException {
        repository("repo");
        write("repo/.virt-lint.yaml", "ignore: [VL501]\n");
        Path deep = write("repo/a/b/vm.xml", UNDECLARED);
        assertFalse(CliRun.run("--color=never", deep.toString()).out().contains("VL501"));
        write("repo/a/.virt-lint.yaml", "fail-on: warning\n");
        CliRun nearer = CliRun.run("--color=never", deep.toString());
        assertTrue(nearer.out().contains("VL501"), "the nearer file wins whole; files are not merged");
    }

    @Test
    void theSearchStopsAtTheRepositoryRoot() throws IOException {
        write("outer/.virt-lint.yaml", "ignore: [VL501]\n");
        Files.createDirectories(dir.resolve("outer/repo/.git"));
        Path vm = write("outer/repo/vm.xml", UNDECLARED);
        assertTrue(CliRun.run("--color=never", vm.toString()).out().contains("VL501"));
        Path outside = write("outer/loose/vm.xml", UNDECLARED);
        assertFalse(CliRun.run("--color=never", outside.toString()).out().contains("VL501"));
    }

    @Test
    void theSearchStopsAtHome() throws IOException, ConfigException {
        write("outer/.virt-lint.yaml", "ignore: [VL501]\n");
        Path home = dir.resolve("outer/home");
        Path vm = write("outer/home/vm.xml", UNDECLARED);
        ConfigResolver resolver = ConfigResolver.discovering(home);
        assertTrue(resolver.configFor(vm).isEmpty());
        assertTrue(ConfigResolver.discovering(dir.resolve("elsewhere")).configFor(vm).isPresent());
    }

    @Test
    void explicitAndIsolated() throws IOException {
        repository("repo");
        write("repo/.virt-lint.yaml", "ignore: [VL501]\n");
        Path vm = write("repo/vm.xml", UNDECLARED);
        Path ci = write("ci.yaml", "severity: {VL501: warning}\n");
        assertTrue(CliRun.run("--color=never", "--isolated", vm.toString()).out().contains("error VL501"));
        CliRun explicit = CliRun.run("--color=never", "--config", ci.toString(), vm.toString());
        assertTrue(explicit.out().contains("warning VL501"), explicit.out());
        assertEquals(0, explicit.exitCode(), "a warning is below the default fail-on");
        assertEquals(2, CliRun.run("--config", ci.toString(), "--isolated", vm.toString()).exitCode());
        CliRun missing = CliRun.run("--config", dir.resolve("nope.yaml").toString(), vm.toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("nope.yaml:1:1: config error: no such configuration file"), missing.err());
    }

    @Test
    void selectorsSeveritiesAndFailOn() throws IOException {
        repository("repo");
        Path vm = write("repo/vm.xml", UNDECLARED);
        write("repo/.virt-lint.yaml", "select: [VL0]\n");
        assertFalse(CliRun.run("--color=never", vm.toString()).out().contains("VL501"), "prefix VL0 leaves VL501 out");
        write("repo/.virt-lint.yaml", "select: [qemu-namespace-undeclared]\n");
        assertTrue(CliRun.run("--color=never", vm.toString()).out().contains("VL501"), "a rule by name");
        write("repo/.virt-lint.yaml", "severity:\n  VL5: info\n  VL501: warning\n");
        assertTrue(CliRun.run("--color=never", vm.toString()).out().contains("warning VL501"),
                "an exact rule beats a prefix");
        write("repo/.virt-lint.yaml", "fail-on: never\n");
        assertEquals(0, CliRun.run(vm.toString()).exitCode());
        assertEquals(1, CliRun.run("--fail-on", "error", vm.toString()).exitCode(), "the command line wins");
        write("repo/.virt-lint.yaml", "ignore: [VL501]\n");
        assertTrue(CliRun.run("--color=never", "--ignore", "VL003", vm.toString()).out().contains("VL501"),
                "--ignore replaces the configuration's list");
    }

    @Test
    void targetStackAndTheCommandLineWinning() throws IOException {
        repository("repo");
        Path vm = write("repo/vm.xml", UNDECLARED);
        write("repo/.virt-lint.yaml", "qemu-version: 8.2\nlibvirt-version: 9.0.0\novmf-version: '2023.05'\n");
        assertTrue(CliRun.run("--color=never", vm.toString()).out().contains("VL001"),
                "QEMU 8.2 has no pc-q35-10.0");
        assertFalse(CliRun.run("--color=never", "--qemu-version", "10.0", vm.toString()).out().contains("VL001"));
    }

    @Test
    void hostRootIsRelativeToTheConfigurationAndOverridesApplyPerPath() throws IOException {
        Path repo = repository("repo");
        Path host = ProjectPaths.testdata().resolve("hosts/amd-epyc-2gpu");
        String relative = repo.relativize(host).toString();
        write("repo/.virt-lint.yaml", "overrides:\n  - files: \"hv01/*.xml\"\n    host-root: " + relative + "\n");
        Path withHost = write("repo/hv01/vm.xml", KVM);
        Path without = write("repo/hv02/vm.xml", KVM);
        assertFalse(CliRun.run("--color=never", withHost.toString()).out().contains("VL901"));
        assertTrue(CliRun.run("--color=never", without.toString()).out().contains("VL901"));
    }

    @Test
    void unsafeFixesFromTheConfigurationAndTheNegatedOption() throws IOException {
        repository("repo");
        write("repo/.virt-lint.yaml", "unsafe-fixes: true\n");
        Path vm = write("repo/vm.xml", ALIAS);
        CliRun.run("--fix", "--no-unsafe-fixes", vm.toString());
        assertEquals(ALIAS, Files.readString(vm));
        CliRun.run("--fix", vm.toString());
        assertTrue(Files.readString(vm).contains("machine='pc-q35-10.0'"), Files.readString(vm));
    }

    @Test
    void mistakesAreOneLineWithFileAndLineAndExitTwo() throws IOException {
        repository("repo");
        Path vm = write("repo/vm.xml", UNDECLARED);
        Path config = dir.resolve("repo/.virt-lint.yaml");
        String[][] cases = {
            {"select: [ALL]\nselct: [VL1]\n", ":2:1: config error: unknown key 'selct'"},
            {"fail-on: sometimes\n", ":1:10: config error: 'fail-on' must be error, warning, info or never"},
            {"ignore: [VL999]\n", ":1:9: config error: no rule 'VL999'"},
            {"severity:\n  VL102: loud\n", ":2:10: config error: severity 'loud' of VL102 must be error"},
            {"qemu-version: ten\n", ":1:15: config error: 'qemu-version' must be a version"},
            {"ovmf-version: 2022\n", ":1:15: config error: 'ovmf-version' must be an edk2 release"},
            {"host-root: no/such/dir\n", ":1:12: config error: 'host-root' no/such/dir is not a directory"},
            {"unsafe-fixes: maybe\n", ":1:15: config error: 'unsafe-fixes' must be true or false"},
            {"overrides:\n  - host-root: x\n", ":2:5: config error: an override needs 'files'"},
            {"ignore: [VL1\n", "config error: not valid YAML"},
            {"- VL1\n", ":1:1: config error: the configuration must be a mapping"},
            {"fail-on: error\nfail-on: info\n", ":2:1: config error: 'fail-on' is given twice"},
        };
        for (String[] bad : cases) {
            Files.writeString(config, bad[0]);
            CliRun run = CliRun.run(vm.toString());
            assertEquals(2, run.exitCode(), bad[0]);
            assertTrue(run.err().startsWith(config + bad[1]) || (bad[1].startsWith("config") && run.err()
                    .contains(bad[1])), bad[0] + " gave: " + run.err());
            assertEquals(1, run.err().lines().count(), run.err());
        }
    }
}
