package dev.virtlint.host;

import java.util.List;
import java.util.Optional;

/**
 * A file a domain names in {@code <rom file>}, as the host has it: whether it is there, its size, where in it a PCI
 * expansion ROM image starts, and who may reach it.
 *
 * @param path        absolute, as the domain names it
 * @param size        bytes; 0 unless {@code presence} is {@link Presence#FILE}
 * @param contentRead whether the file's bytes could be read, so that {@code imageOffset} is known
 * @param imageOffset where the first PCI expansion ROM image starts: the signature 0x55 0xAA, followed at offset 0x18
 *                    by a DWORD-aligned pointer to a "PCIR" data structure inside the file; empty when the file has
 *                    none or its content was not read
 * @param access      each component of the path from {@code /} to the file, outermost first; empty when it could not
 *                    be read (a link leading out of the host root, a file that is not there)
 */
public record RomFile(String path, Presence presence, long size, boolean contentRead, Optional<Long> imageOffset,
                      Optional<List<PathAccess>> access) {

    /** What is at the path. */
    public enum Presence {
        FILE,
        MISSING,
        /** A directory, a device or a pipe. */
        NOT_A_FILE
    }

    public RomFile {
        access = access.map(List::copyOf);
    }

    /**
     * The component that keeps {@code who} from opening the file: a directory it cannot search, or the file it cannot
     * read; empty when it can, or when the access is unknown.
     */
    public Optional<PathAccess> firstDenied(QemuIdentity who) {
        if (access.isEmpty()) {
            return Optional.empty();
        }
        List<PathAccess> components = access.get();
        for (int i = 0; i < components.size(); i++) {
            PathAccess component = components.get(i);
            boolean last = i == components.size() - 1;
            if (last ? !component.readableBy(who) : !component.searchableBy(who)) {
                return Optional.of(component);
            }
        }
        return Optional.empty();
    }

    /** The file itself, the last component; empty when the access is unknown. */
    public Optional<PathAccess> fileAccess() {
        return access.filter(list -> !list.isEmpty()).map(list -> list.get(list.size() - 1));
    }
}
