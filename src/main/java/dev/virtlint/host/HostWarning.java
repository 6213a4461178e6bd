package dev.virtlint.host;

/**
 * A host file that exists but could not be used (unreadable, malformed, out of range), or a version probe
 * that misbehaved. {@code path} is relative to the host root ({@code sys/bus/pci/devices/0000:01:00.0/resource})
 * so that a live host and a snapshot of it report the same warnings; for a probe it is the command line.
 */
public record HostWarning(String path, String message) {

    @Override
    public String toString() {
        return path + ": " + message;
    }
}
