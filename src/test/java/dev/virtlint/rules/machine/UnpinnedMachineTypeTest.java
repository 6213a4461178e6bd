package dev.virtlint.rules.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.support.CliRun;
import dev.virtlint.support.RealStack;

/** VL003 on a domain without a machine attribute says what libvirt will pick, and libvirt picks it. */
class UnpinnedMachineTypeTest {
    private static final String NO_MACHINE = "testdata/rules/VL003/missing.xml";

    @Test
    void missingMachineSaysWhatLibvirtPicksAndWhyPinningMatters() {
        CliRun run = CliRun.run("--color=never", NO_MACHINE);
        String message = run.out();
        assertTrue(message.contains("no machine type: libvirt takes the QEMU binary's default, which on QEMU 10.0 is"
                + " pc-i440fx-10.0 (i440FX: conventional PCI, no PCI Express root ports; not q35)"), message);
        assertTrue(message.contains("writes that name into the definition at define time"), message);
        assertTrue(message.contains("machine='pc-i440fx-10.0'"), message);
        assertFalse(message.contains("no machine type resolves to"), message);
    }

    /** Defines the fixture's domain (as TCG, which this host can run) in libvirt and reads back the type it wrote. */
    @Test
    @Tag("oracle")
    void libvirtWritesTheTypeTheMessageNames(@TempDir Path dir) throws Exception {
        RealStack.assumeLibvirt();
        String name = "virt-lint-vl003-" + ProcessHandle.current().pid();
        Path domain = dir.resolve("domain.xml");
        Files.writeString(domain, Files.readString(Path.of(NO_MACHINE)).replace("type='kvm'", "type='qemu'")
                .replace("<name>no-machine</name>", "<name>" + name + "</name>"));
        RealStack.Result defined = RealStack.run(List.of("virsh", "-c", "qemu:///system", "define", domain.toString()), 60);
        assertEquals(0, defined.exitCode(), defined.output());
        RealStack.Result dumped;
        try {
            dumped = RealStack.run(List.of("virsh", "-c", "qemu:///system", "dumpxml", "--inactive", name), 60);
        } finally {
            RealStack.run(List.of("virsh", "-c", "qemu:///system", "undefine", name), 60);
        }
        Matcher machine = Pattern.compile("machine='([^']+)'").matcher(dumped.output());
        assertTrue(machine.find(), dumped.output());
        assertTrue(CliRun.run("--color=never", NO_MACHINE).out().contains("is " + machine.group(1) + " ("),
                "libvirt wrote " + machine.group(1));
    }
}
