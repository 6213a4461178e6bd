package dev.virtlint.rules.qemu;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.QemuEnv;
import dev.virtlint.platform.Version;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

@RuleInfo(id = "VL505", name = "qemu-env-ignored", severity = Severity.WARNING, family = Family.QEMU,
        summary = "A qemu:env audio variable (QEMU_AUDIO_DRV, QEMU_PA_SERVER, …) that QEMU 8.2 and later no longer"
                + " read")
public final class QemuEnvIgnored implements Rule {
    /** QEMU 8.2 deleted audio/audio_legacy.c, the only code that read these variables. */
    static final Version REMOVED_IN = Version.of(8, 2);
    /**
     * The families audio_legacy.c read: the common QEMU_AUDIO_* settings and one prefix per audio driver. QEMU has no
     * other variables with these prefixes.
     */
    private static final List<String> LEGACY_AUDIO_PREFIXES = List.of("QEMU_AUDIO_", "QEMU_ALSA_", "QEMU_COREAUDIO_",
            "QEMU_DSOUND_", "QEMU_OSS_", "QEMU_PA_", "QEMU_SDL_", "QEMU_WAV_");

    @Override
    public List<Finding> check(LintContext context) {
        Version qemu = context.platform().qemu().version();
        if (!qemu.isAtLeast(REMOVED_IN.major(), REMOVED_IN.minor())) {
            return List.of();
        }
        List<Finding> findings = new ArrayList<>();
        for (QemuEnv env : context.domain().honouredQemuEnv()) {
            if (LEGACY_AUDIO_PREFIXES.stream().noneMatch(env.name()::startsWith)) {
                continue;
            }
            String setting = env.name() + env.value().map(value -> "=" + value).orElse("");
            findings.add(context.finding(this, env.element(), "QEMU " + qemu.series() + " ignores " + setting
                            + ": QEMU 8.2 removed the QEMU_AUDIO_* and per-driver audio environment variables. libvirt"
                            + " passes the variable and QEMU never reads it; the sound devices play into libvirt's own"
                            + " audio backend (an <audio> element, or the one libvirt adds: 'none' without graphics)."
                            + replacement(env))
                    .data("variable", env.name())
                    .fix(Fix.safe("remove <qemu:env name='" + env.name() + "'>, which QEMU " + qemu.series()
                            + " does not read", QemuEdits.removeChildren(context.domain(), List.of(env.element()))))
                    .build());
        }
        return findings;
    }

    /** What does the job now: libvirt's {@code <audio>} element, whose attributes replaced these variables. */
    private static String replacement(QemuEnv env) {
        Optional<String> value = env.value();
        if (env.name().equals("QEMU_AUDIO_DRV") && value.map("pa"::equals).orElse(false)) {
            return " For PulseAudio give libvirt <audio id='1' type='pulseaudio'/> (libvirt 7.2 and later), which"
                    + " the sound devices use";
        }
        if (env.name().equals("QEMU_PA_SERVER") && value.isPresent()) {
            return " The server goes into <audio type='pulseaudio' serverName='" + value.get() + "'/>";
        }
        return " Its setting goes into libvirt's <audio> element (or -audiodev)";
    }
}
