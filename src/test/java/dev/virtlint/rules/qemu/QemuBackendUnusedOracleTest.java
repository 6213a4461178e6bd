package dev.virtlint.rules.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.virtlint.domain.DomainBuilder;
import dev.virtlint.libvirt.LibvirtBackendIds;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.support.RealStack;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * What VL504 relies on, checked against libvirt 11.3 and QEMU 10.0: the ids libvirt gives its own backends, that
 * libvirt wires a sound device to its own audio backend and leaves a qemu:commandline -audiodev unused, and QEMU's
 * answers to a device naming a backend nobody defines.
 */
@Tag("oracle")
class QemuBackendUnusedOracleTest {
    private static final Pattern BACKEND_ID = Pattern.compile("(?:\"id\":\"|(?:^|,)id=)([^\",]+)");
    private static final String DOMAIN = """
            <domain type='qemu'>
              <name>vl504-ids</name>
              <memory unit='MiB'>256</memory>
              <os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>
              <devices>
                <interface type='user'><model type='virtio'/><alias name='ua-lan'/></interface>
                <interface type='user'><model type='e1000e'/></interface>
                <serial type='pty'><alias name='ua-ser'/></serial>
                <serial type='pty'/>
                <console type='pty'><target type='virtio'/></console>
                <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
                <channel type='spicevmc'><target type='virtio' name='com.redhat.spice.0'/></channel>
                <graphics type='spice' autoport='yes'/>
                <redirdev bus='usb' type='spicevmc'/>
                <audio id='1' type='spice'/>
                <audio id='2' type='none'/>
                <sound model='ich9'><audio id='2'/></sound>
                <rng model='virtio'><backend model='random'>/dev/urandom</backend><alias name='ua-rng'/></rng>
                <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>
                <shmem name='lg'><model type='ivshmem-plain'/><size unit='M'>32</size></shmem>
              </devices>
            </domain>
            """;

    @Test
    void everyBackendLibvirtCreatesIsPredicted() throws Exception {
        RealStack.assumeLibvirt();
        Path file = Files.createTempFile("virt-lint-vl504-", ".xml");
        try {
            Files.writeString(file, DOMAIN);
            List<String> argv = argv(file);
            Set<String> created = new TreeSet<>();
            for (int i = 0; i + 1 < argv.size(); i++) {
                if (List.of("-audiodev", "-netdev", "-chardev", "-object").contains(argv.get(i))) {
                    Matcher id = BACKEND_ID.matcher(argv.get(i + 1));
                    assertTrue(id.find(), argv.get(i + 1));
                    created.add(id.group(1));
                }
            }
            Set<String> predicted = LibvirtBackendIds.of(DomainBuilder.build(new SafeXmlLoader().load(file)));
            created.remove("masterKey0"); // libvirt's secret for its own use; nothing in qemu:commandline names it
            Set<String> missed = new TreeSet<>(created);
            missed.removeAll(predicted);
            assertEquals(Set.of(), missed, "libvirt created " + created + ", predicted " + predicted);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void libvirtWiresTheCodecToItsOwnBackendAndNothingNamesTheCommandLineOne() throws Exception {
        RealStack.assumeLibvirt();
        Path tcg = Files.createTempFile("virt-lint-vl504-", ".xml");
        try {
            Files.writeString(tcg, Files.readString(ProjectPaths.testdata().resolve("rules/VL504/issueat.xml"))
                    .replace("type='kvm'", "type='qemu'"));
            List<String> argv = argv(tcg);
            assertTrue(argv.contains("{\"id\":\"audio1\",\"driver\":\"none\"}"), argv.toString());
            assertTrue(argv.stream().anyMatch(word -> word.contains("\"driver\":\"hda-duplex\"")
                    && word.contains("\"audiodev\":\"audio1\"")), argv.toString());
            List<String> naming = argv.stream().filter(word -> word.contains("pa1")).toList();
            assertEquals(List.of("pa,id=pa1,server=/run/user/1000/pulse/native"), naming);
        } finally {
            Files.deleteIfExists(tcg);
        }
    }

    @Test
    void qemuRefusesADeviceNamingABackendNobodyDefines() throws Exception {
        RealStack.assumeQemu();
        List<String> mismatches = new ArrayList<>();
        List<List<String>> cases = List.of(
                List.of("-device", "ich9-intel-hda", "-device", "hda-duplex,audiodev=pa1", "audiodev 'pa1' not found"),
                List.of("-device", "ivshmem-plain,memdev=looking-glass", "Device 'looking-glass' not found"),
                List.of("-device", "virtio-rng-pci,rng=objrng9", "Device 'objrng9' not found"),
                List.of("-device", "virtio-net-pci,netdev=net0", "Property 'virtio-net-device.netdev' can't find value"
                        + " 'net0'"),
                List.of("-device", "isa-serial,chardev=ser0", "Property 'serial.chardev' can't find value 'ser0'"),
                List.of("-netdev", "user,id=net0", "warning: netdev net0 has no peer"));
        for (List<String> arguments : cases) {
            List<String> command = new ArrayList<>(List.of("qemu-system-x86_64", "-machine", "q35,accel=tcg",
                    "-nodefaults", "-display", "none", "-S", "-monitor", "none", "-qmp", "stdio"));
            command.addAll(arguments.subList(0, arguments.size() - 1));
            Process qemu = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var stdin = qemu.getOutputStream()) {
                stdin.write("{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"quit\"}\n"
                        .getBytes(StandardCharsets.UTF_8));
            } catch (IOException exitedEarly) {
                // QEMU refused the command line before reading QMP; its output says why.
            }
            String output = new String(qemu.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            qemu.waitFor();
            if (!output.contains(arguments.get(arguments.size() - 1))) {
                mismatches.add(arguments + ": " + output.strip());
            }
        }
        assertEquals(List.of(), mismatches);
    }

    private static List<String> argv(Path domain) throws Exception {
        RealStack.Result result = RealStack.run(List.of("virsh", "-c", "qemu:///system", "domxml-to-native",
                "qemu-argv", domain.toString()), 60);
        assertEquals(0, result.exitCode(), result.output());
        return RealStack.shellWords(result.output().strip());
    }
}
