package dev.virtlint.hook;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Says why a guest started unchecked, or was refused without a finding. libvirt keeps a successful hook's
 * standard error only in its debug log, so the message also goes to syslog (the journal on systemd hosts) through
 * {@code logger}, where an administrator looks; a host without a syslog socket still has standard error.
 */
public final class FailureLog {
    private static final long LOGGER_SECONDS = 2;

    private FailureLog() {
    }

    public static void log(String message, PrintStream err) {
        err.println(message);
        try {
            Process logger = new ProcessBuilder(List.of("logger", "-t", "virt-lint", "-p", "daemon.warning", message))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            logger.getOutputStream().close();
            if (!logger.waitFor(LOGGER_SECONDS, TimeUnit.SECONDS)) {
                logger.destroyForcibly();
            }
        } catch (IOException e) {
            // No logger on this host: standard error above is all there is.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
