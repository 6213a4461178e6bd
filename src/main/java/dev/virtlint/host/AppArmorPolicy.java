package dev.virtlint.host;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What AppArmor lets a guest's QEMU read, where libvirt confines QEMU with it (Debian, Ubuntu, SUSE). Every guest's
 * profile includes {@code abstractions/libvirt-qemu} (with {@code abstractions/libvirt-qemu.d/*} and the deprecated
 * {@code local/abstractions/libvirt-qemu}) through {@code libvirt/TEMPLATE.qemu}; virt-aa-helper adds the guest's
 * disks, kernel, loader and the like to it, but not {@code <rom file>} (src/security/virt-aa-helper.c has no case for
 * ROM files), so a ROM is readable only where these files allow it.
 *
 * @param enabled         {@code /sys/module/apparmor/parameters/enabled}
 * @param securityDriver  qemu.conf's {@code security_driver}, when set: libvirt confines QEMU with AppArmor only when
 *                        it is unset (libvirt probes the drivers) or names "apparmor"
 * @param readRules       the rules of those files that allow reading a path, in file order
 */
public record AppArmorPolicy(boolean enabled, Optional<String> securityDriver, List<ReadRule> readRules) {

    public AppArmorPolicy {
        readRules = List.copyOf(readRules);
    }

    /** Whether libvirt's AppArmor driver confines QEMU on this host. */
    public boolean confinesQemu() {
        return enabled && securityDriver.map(driver -> driver.contains("apparmor")).orElse(true);
    }

    /** The first rule that lets QEMU read {@code path}; {@code owner} rules count only for a file QEMU owns. */
    public Optional<ReadRule> ruleAllowingRead(String path, boolean ownedByQemu) {
        return readRules.stream().filter(rule -> (ownedByQemu || !rule.ownerOnly()) && rule.matches(path)).findFirst();
    }

    /**
     * One rule such as {@code /usr/share/vgabios/** r,}.
     *
     * @param glob      AppArmor's path glob: {@code **} any characters, {@code *} and {@code ?} within one path
     *                  component, {@code {a,b}} alternatives, {@code [..]} a character class
     * @param ownerOnly the rule starts with {@code owner}
     * @param source    the file it is in, relative to {@code /etc/apparmor.d}
     */
    public record ReadRule(String glob, boolean ownerOnly, String source) {

        public boolean matches(String path) {
            return Pattern.compile(regex(glob)).matcher(path).matches();
        }

        private static String regex(String glob) {
            StringBuilder regex = new StringBuilder();
            int depth = 0;
            for (int i = 0; i < glob.length(); i++) {
                char c = glob.charAt(i);
                if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    regex.append(".*");
                    i++;
                } else if (c == '*') {
                    regex.append("[^/]*");
                } else if (c == '?') {
                    regex.append("[^/]");
                } else if (c == '{') {
                    regex.append("(?:");
                    depth++;
                } else if (c == '}' && depth > 0) {
                    regex.append(')');
                    depth--;
                } else if (c == ',' && depth > 0) {
                    regex.append('|');
                } else if (c == '[') {
                    int end = glob.indexOf(']', i + 1);
                    if (end < 0) {
                        regex.append("\\[");
                    } else {
                        String set = glob.substring(i + 1, end).replace("\\", "\\\\");
                        regex.append('[').append(set.startsWith("^") ? "^" + set.substring(1) : set).append(']');
                        i = end;
                    }
                } else {
                    regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return regex.toString();
        }
    }
}
