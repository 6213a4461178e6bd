package dev.virtlint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.support.ProjectPaths;
import dev.virtlint.support.RealStack;

/**
 * The real pre-commit runs the repository's .pre-commit-hooks.yaml in a scratch git repository of domain
 * definitions: a definition with an error blocks the commit, the virt-lint-fix hook rewrites it, and the next
 * commit goes through. Other XML in the repository (a pom.xml) is left alone.
 */
class PreCommitHookTest {
    private static final String BROKEN = "<domain type='qemu'>\n  <name>gpu</name>\n  <memory unit='GiB'>4</memory>\n"
            + "  <os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>\n"
            + "  <qemu:commandline><qemu:arg value='-S'/></qemu:commandline>\n</domain>\n";

    @TempDir
    Path dir;

    private record Run(int exitCode, String output) {
    }

    private Run run(Path workDir, Map<String, String> environment, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(300, TimeUnit.SECONDS), "timed out: " + String.join(" ", command));
        return new Run(process.exitValue(), output);
    }

    /** Fails on every host without host facts: AMD moves it to 1 TiB (42 bits), Intel needs 41, the vCPU has 40. */
    private static final String EPYC_1_TIB = "<domain type='kvm'>\n  <name>epyc</name>\n"
            + "  <maxMemory slots='4' unit='GiB'>1024</maxMemory>\n  <memory unit='GiB'>16</memory>\n"
            + "  <os><type arch='x86_64' machine='pc-q35-7.1'>hvm</type></os>\n"
            + "  <cpu mode='custom' match='exact'><model fallback='forbid'>EPYC</model>"
            + "<numa><cell id='0' cpus='0' memory='16' unit='GiB'/></numa></cpu>\n</domain>\n";
    /** Starts on every host: 16 GiB, no hotplug region. */
    private static final String STARTS_EVERYWHERE = "<domain type='kvm'>\n  <name>ok</name>\n"
            + "  <memory unit='GiB'>16</memory>\n  <os><type arch='x86_64' machine='pc-q35-7.1'>hvm</type></os>\n"
            + "  <cpu mode='host-passthrough'/>\n</domain>\n";

    @Test
    void withoutHostFactsADomainQemuRefusesOnEveryHostIsBlockedAndOneThatStartsEverywherePasses() throws Exception {
        Map<String, String> environment = hookEnvironment();
        Path repo = domainsRepository(environment);
        Files.writeString(repo.resolve("ok.xml"), STARTS_EVERYWHERE);
        run(repo, environment, "git", "add", "-A");
        Run passes = run(repo, environment, "git", "commit", "-m", "a guest that starts on any host");
        assertEquals(0, passes.exitCode(), passes.output());

        Files.writeString(repo.resolve("epyc.xml"), EPYC_1_TIB);
        run(repo, environment, "git", "add", "-A");
        Run blocked = run(repo, environment, "git", "commit", "-m", "a guest QEMU refuses on any host");
        assertNotEquals(0, blocked.exitCode(), blocked.output());
        assertTrue(blocked.output().contains("epyc.xml:3:3: error VL101 phys-bits-too-low: On an AMD host"),
                blocked.output());
    }

    /** PATH with a virt-lint that runs these classes, and a pre-commit and git confined to the scratch directory. */
    private Map<String, String> hookEnvironment() throws IOException {
        Assumptions.assumeTrue(RealStack.onPath("pre-commit") && RealStack.onPath("git"),
                "pre-commit or git is not installed: hook round trip skipped (Debian: apt-get install pre-commit;"
                        + " CI installs it with .ci/install-stack)");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path launcher = bin.resolve("virt-lint");
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Files.writeString(launcher, "#!/bin/sh\nexec '" + Path.of(System.getProperty("java.home"), "bin", "java")
                + "' -cp '" + classPath + "' dev.virtlint.cli.Main \"$@\"\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> environment = Map.of(
                "PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                "PRE_COMMIT_HOME", dir.resolve("pre-commit-cache").toString(),
                "GIT_AUTHOR_NAME", "test", "GIT_AUTHOR_EMAIL", "test@example.invalid",
                "GIT_COMMITTER_NAME", "test", "GIT_COMMITTER_EMAIL", "test@example.invalid",
                "GIT_CONFIG_NOSYSTEM", "1", "HOME", Files.createDirectories(dir.resolve("home")).toString());
        return environment;
    }

    /** A git repository whose pre-commit configuration uses this checkout's hooks, installed. */
    private Path domainsRepository(Map<String, String> environment) throws IOException, InterruptedException {
        Path hooks = Files.createDirectories(dir.resolve("hooks"));
        Files.copy(ProjectPaths.projectDir().resolve(".pre-commit-hooks.yaml"), hooks.resolve(".pre-commit-hooks.yaml"));
        assertEquals(0, run(hooks, environment, "git", "init", "-q").exitCode());
        assertEquals(0, run(hooks, environment, "git", "add", ".pre-commit-hooks.yaml").exitCode());
        assertEquals(0, run(hooks, environment, "git", "commit", "-q", "-m", "hooks").exitCode());
        String revision = run(hooks, environment, "git", "rev-parse", "HEAD").output().strip();

        Path repo = Files.createDirectories(dir.resolve("domains"));
        assertEquals(0, run(repo, environment, "git", "init", "-q").exitCode());
        Files.writeString(repo.resolve(".pre-commit-config.yaml"), "repos:\n  - repo: " + hooks + "\n    rev: "
                + revision + "\n    hooks:\n      - id: virt-lint\n      - id: virt-lint-fix\n"
                + "        stages: [manual]\n");
        Run install = run(repo, environment, "pre-commit", "install");
        assertEquals(0, install.exitCode(), install.output());
        return repo;
    }

    @Test
    void aBadDefinitionBlocksTheCommitAndTheFixHookRepairsIt() throws Exception {
        Map<String, String> environment = hookEnvironment();
        Path repo = domainsRepository(environment);
        Files.writeString(repo.resolve("pom.xml"), "<project/>\n");
        Path vm = repo.resolve("gpu.xml");
        Files.writeString(vm, BROKEN);
        run(repo, environment, "git", "add", "-A");

        Run blocked = run(repo, environment, "git", "commit", "-m", "add the GPU guest");
        assertNotEquals(0, blocked.exitCode(), blocked.output());
        assertTrue(blocked.output().contains("gpu.xml:5:3: error VL501 qemu-namespace-undeclared"), blocked.output());

        Run fixed = run(repo, environment, "pre-commit", "run", "virt-lint-fix", "--hook-stage", "manual", "--files",
                "gpu.xml", "pom.xml");
        assertNotEquals(0, fixed.exitCode(), "pre-commit fails a hook that changed files: " + fixed.output());
        assertTrue(fixed.output().contains("files were modified by this hook"), fixed.output());
        assertEquals(BROKEN.replace("<domain type='qemu'>",
                "<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>"), Files.readString(vm));

        run(repo, environment, "git", "add", "-A");
        Run passes = run(repo, environment, "git", "commit", "-m", "add the GPU guest");
        assertEquals(0, passes.exitCode(), passes.output());
        assertTrue(passes.output().contains("virt-lint") && passes.output().contains("Passed"), passes.output());
        assertEquals(List.of("gpu.xml", ".pre-commit-config.yaml", "pom.xml").size(),
                run(repo, environment, "git", "ls-files").output().lines().count());
    }
}
