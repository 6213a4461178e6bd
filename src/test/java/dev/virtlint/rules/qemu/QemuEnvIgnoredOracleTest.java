package dev.virtlint.rules.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.virtlint.support.ProjectPaths;
import dev.virtlint.support.RealStack;

/**
 * What VL505 says, checked against QEMU 10.0 and libvirt 11.3: QEMU does not read the legacy audio variables, and
 * libvirt passes them while wiring the sound codec to an audio backend of its own.
 */
@Tag("oracle")
class QemuEnvIgnoredOracleTest {

    /**
     * A codec without audiodev= needs a default backend. QEMU 8.1 would have built one from QEMU_AUDIO_DRV=wav and
     * written QEMU_WAV_PATH; QEMU 10.0 refuses to start instead, and writes nothing.
     */
    @Test
    void qemuDoesNotReadQemuAudioDrv() throws Exception {
        RealStack.assumeQemu();
        Path directory = Files.createTempDirectory("virt-lint-vl505-");
        Path wav = directory.resolve("out.wav");
        try {
            ProcessBuilder builder = new ProcessBuilder("qemu-system-x86_64", "-machine", "q35,accel=tcg", "-nodefaults",
                    "-display", "none", "-S", "-monitor", "none", "-device", "ich9-intel-hda", "-device", "hda-duplex")
                    .redirectErrorStream(true);
            builder.environment().put("QEMU_AUDIO_DRV", "wav");
            builder.environment().put("QEMU_WAV_PATH", wav.toString());
            Process qemu = builder.start();
            qemu.getOutputStream().close();
            String output = new String(qemu.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!qemu.waitFor(60, TimeUnit.SECONDS)) {
                qemu.destroyForcibly();
            }
            assertEquals(1, qemu.exitValue(), output);
            assertTrue(output.contains("-device hda-duplex: no default audio driver available"), output);
            assertFalse(Files.exists(wav), "QEMU wrote the file QEMU_WAV_PATH names");
        } finally {
            Files.deleteIfExists(wav);
            Files.deleteIfExists(directory);
        }
    }

    @Test
    void libvirtPassesTheVariablesAndWiresTheCodecToItsOwnBackend() throws Exception {
        RealStack.assumeLibvirt();
        Path fixture = ProjectPaths.testdata().resolve("rules/VL505/justarchi.xml");
        Path tcg = Files.createTempFile("virt-lint-vl505-", ".xml");
        try {
            Files.writeString(tcg, Files.readString(fixture).replace("type='kvm'", "type='qemu'"));
            RealStack.Result argv = RealStack.run(List.of("virsh", "-c", "qemu:///system", "domxml-to-native",
                    "qemu-argv", tcg.toString()), 60);
            assertEquals(0, argv.exitCode(), argv.output());
            List<String> words = RealStack.shellWords(argv.output().strip());
            assertTrue(words.contains("QEMU_AUDIO_DRV=pa"), argv.output());
            assertTrue(words.contains("QEMU_PA_SERVER=/run/user/1000/pulse/native"), argv.output());
            assertTrue(words.contains("{\"id\":\"audio1\",\"driver\":\"none\"}"), argv.output());
            assertTrue(words.stream().anyMatch(word -> word.contains("\"driver\":\"hda-duplex\"")
                    && word.contains("\"audiodev\":\"audio1\"")), argv.output());
        } finally {
            Files.deleteIfExists(tcg);
        }
    }
}
