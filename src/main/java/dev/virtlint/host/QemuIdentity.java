package dev.virtlint.host;

import java.util.Set;
import java.util.TreeSet;

/**
 * The user and groups QEMU runs as under libvirt's system instance: {@code user} and {@code group} of
 * {@code /etc/libvirt/qemu.conf}, or the build's defaults that file names in its commented-out lines ("libvirt-qemu"
 * on Debian and Ubuntu, "qemu" on Fedora). libvirt's DAC driver gives the process {@code gid} and the groups
 * {@code getgrouplist} finds for the user, plus {@code gid} (virGetGroupList, src/util/virutil.c).
 *
 * @param configured whether qemu.conf sets the user itself, rather than leaving the build's default
 */
public record QemuIdentity(String user, int uid, int gid, Set<Integer> groups, boolean configured) {

    public QemuIdentity {
        groups = Set.copyOf(new TreeSet<>(groups));
    }

    public boolean isRoot() {
        return uid == 0;
    }

    /** {@code libvirt-qemu (uid 64055, gid 64055, groups 993,64055)}. */
    public String describe() {
        return user + " (uid " + uid + ", gid " + gid + ", groups " + groupList() + ")";
    }

    /** The groups' ids in ascending order, comma-separated. */
    public String groupList() {
        return String.join(",", new TreeSet<>(groups).stream().map(String::valueOf).toList());
    }
}
