package dev.virtlint.hook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class HookScriptTest {
    @Test
    void whatItWritesReadsBack() {
        HookScript script = new HookScript(List.of("/opt/my java/bin/java", "-Xmx256m", "it's", "-cp", "/a:/b",
                "dev.virtlint.cli.Main"), Optional.of("/etc/virt-lint/hook.yaml"), Optional.of(FailureMode.FAIL_CLOSED),
                List.of("etc/libvirt/hooks/qemu.d"));
        HookScript.Installed installed = HookScript.parse(script.render()).orElseThrow();
        assertEquals("/opt/my java/bin/java", installed.program());
        assertEquals(List.of("-Xmx256m", "it's", "-cp", "/a:/b", "dev.virtlint.cli.Main", "hook", "run", "--config",
                "/etc/virt-lint/hook.yaml", "--on-internal-error", "fail-closed"), installed.arguments());
        assertEquals(Optional.of("/etc/virt-lint/hook.yaml"), installed.config());
        assertEquals(Optional.of(FailureMode.FAIL_CLOSED), installed.failureMode());
        assertEquals(List.of("etc/libvirt/hooks/qemu.d"), installed.createdDirectories());
        assertEquals("'/opt/my java/bin/java' -Xmx256m 'it'\\''s' -cp /a:/b dev.virtlint.cli.Main hook run --config"
                + " /etc/virt-lint/hook.yaml --on-internal-error fail-closed", installed.commandLine());
    }

    @Test
    void someoneElsesScriptIsNotOurs() {
        assertEquals(Optional.empty(), HookScript.parse("#!/bin/sh\nexec /usr/bin/virt-lint hook run \"$@\"\n"));
    }
}
