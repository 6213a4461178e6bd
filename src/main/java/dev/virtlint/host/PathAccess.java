package dev.virtlint.host;

import java.util.Locale;

/**
 * The owner, group and permission bits of one component of a path on the host ({@code /}, {@code /root},
 * {@code /root/gpu.rom}), as {@code stat} shows them. POSIX ACLs are not read: a component that an ACL opens to a user
 * its bits leave out is reported as closed to them.
 *
 * @param path absolute, as the host names it
 * @param mode the permission bits ({@code 0755}), without the file type
 */
public record PathAccess(String path, int mode, int uid, int gid) {
    private static final int READ = 4;
    private static final int SEARCH = 1;

    /** Whether {@code who} may read the file (the last component of a path). */
    public boolean readableBy(QemuIdentity who) {
        return allows(who, READ);
    }

    /** Whether {@code who} may look up names in this directory (every component but the last). */
    public boolean searchableBy(QemuIdentity who) {
        return allows(who, SEARCH);
    }

    /** The owner's bits apply to the owner, the group's to members, the others' to everyone else, as in the kernel. */
    private boolean allows(QemuIdentity who, int bit) {
        int shift = who.uid() == uid ? 6 : who.groups().contains(gid) ? 3 : 0;
        return (mode >> shift & bit) != 0;
    }

    /** {@code 0700 0:0 /root}, as reports show it. */
    public String describe() {
        return modeAndOwner() + " " + path;
    }

    /** {@code 0700 0:0}: the mode, then the owner and group by number. */
    public String modeAndOwner() {
        return String.format(Locale.ROOT, "%04o %d:%d", mode, uid, gid);
    }
}
