package dev.virtlint.rules.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.virtlint.support.RealStack;

/**
 * VL606's premise, on libvirt 11.3: with {@code <memtune><hard_limit>} libvirt sets QEMU's locked-memory limit to
 * exactly that value (qemuDomainGetMemLockLimitBytes prefers it to its own formula), so it is what VFIO's pinning
 * counts against. This machine has no VFIO device, so the pinning itself cannot be run here; a transient TCG guest
 * shows the limit libvirt gives QEMU, in {@code /proc/PID/limits} where libvirt may raise the limit, or in libvirt's
 * refusal where it may not (a daemon without CAP_SYS_RESOURCE, as in a container: "cannot limit locked memory of
 * process N to BYTES: Operation not permitted").
 */
@Tag("oracle")
class VfioDmaMappingFailsOracleTest {
    private static final String NAME = "virt-lint-vl606-hard-limit";
    private static final long HARD_LIMIT_KIB = 393216;
    private static final Pattern REFUSED = Pattern.compile("cannot limit locked memory of process \\d+ to (\\d+)");

    @Test
    void libvirtMakesHardLimitQemusLockedMemoryLimit() throws Exception {
        RealStack.assumeGuestsCanStart();
        Path xml = Files.createTempFile("virt-lint-vl606-", ".xml");
        try {
            Files.writeString(xml, "<domain type='qemu'><name>" + NAME + "</name><memory unit='MiB'>64</memory>"
                    + "<memtune><hard_limit unit='KiB'>" + HARD_LIMIT_KIB + "</hard_limit></memtune>"
                    + "<os><type arch='x86_64' machine='q35'>hvm</type></os><devices/></domain>");
            RealStack.Result created = RealStack.run(List.of("virsh", "-c", "qemu:///system", "create",
                    xml.toString()), 120);
            Matcher refused = REFUSED.matcher(created.output());
            if (created.exitCode() != 0 && refused.find()) {
                assertEquals(HARD_LIMIT_KIB * 1024, Long.parseLong(refused.group(1)), created.output());
                return;
            }
            assertEquals(0, created.exitCode(), created.output());
            String pid = Files.readString(Path.of("/run/libvirt/qemu/" + NAME + ".pid")).strip();
            Optional<String> lockedMemory = Files.readAllLines(Path.of("/proc", pid, "limits")).stream()
                    .filter(line -> line.startsWith("Max locked memory")).findFirst();
            assertTrue(lockedMemory.isPresent());
            assertEquals(List.of(String.valueOf(HARD_LIMIT_KIB * 1024), String.valueOf(HARD_LIMIT_KIB * 1024), "bytes"),
                    List.of(lockedMemory.get().substring("Max locked memory".length()).strip().split("\\s+")),
                    lockedMemory.get());
        } finally {
            RealStack.run(List.of("virsh", "-c", "qemu:///system", "destroy", NAME), 60);
            Files.deleteIfExists(xml);
        }
    }
}
