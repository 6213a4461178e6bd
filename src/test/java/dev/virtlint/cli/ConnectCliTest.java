package dev.virtlint.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.virtlint.host.LibvirtConnection;
import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;

/** {@code --connect} against libvirt's built-in test driver, which needs no daemon. */
class ConnectCliTest {

    @Test
    void lintsEveryDefinedDomainOfAConnection() {
        Assumptions.assumeTrue(LibvirtConnection.libraryAvailable(),
                "libvirt.so.0 is not installed: --connect test skipped");
        String uri = "test://" + ProjectPaths.projectDir().resolve("src/test/resources/host/node.xml");
        CliRun run = CliRun.run("--color=never", "--connect", uri);
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains(uri + "#office:"), run.out());
        assertTrue(run.out().contains(uri + "#gpu-passthrough:"), run.out());
        assertTrue(run.err().contains("in 2 files"), run.err());
    }

    @Test
    void anUnreachableConnectionIsAOneLineError() {
        Assumptions.assumeTrue(LibvirtConnection.libraryAvailable(),
                "libvirt.so.0 is not installed: --connect test skipped");
        CliRun run = CliRun.run("--connect", "test:///nonexistent/node.xml");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("virt-lint: --connect test:///nonexistent/node.xml: cannot connect"), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
    }
}
