package dev.virtlint.host;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the facts of one ROM file from a host root: {@code ROOT/usr/share/vgabios/gpu.rom} for the path
 * {@code /usr/share/vgabios/gpu.rom}. Failures make facts absent; nothing is thrown.
 */
final class RomFileReader {
    /** Option ROMs are at most 16 MiB (the ROM BAR's 24-bit size field); the search stops there. */
    static final int MAX_SCANNED_BYTES = 16 << 20;
    /** The PCI Data Structure's size (PCI Firmware Specification 3.0, 5.1.2). */
    private static final int PCIR_SIZE = 0x18;
    private static final int PCIR_POINTER = 0x18;

    private RomFileReader() {
    }

    static RomFile read(Path root, String path) {
        Path file = root.resolve(path.substring(1));
        if (!Files.exists(file)) {
            return new RomFile(path, RomFile.Presence.MISSING, 0, false, Optional.empty(), Optional.empty());
        }
        if (!Files.isRegularFile(file)) {
            return new RomFile(path, RomFile.Presence.NOT_A_FILE, 0, false, Optional.empty(), access(root, file));
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            return new RomFile(path, RomFile.Presence.FILE, 0, false, Optional.empty(), access(root, file));
        }
        try (InputStream in = Files.newInputStream(file)) {
            return new RomFile(path, RomFile.Presence.FILE, size, true, imageOffset(in.readNBytes(MAX_SCANNED_BYTES)),
                    access(root, file));
        } catch (IOException e) {
            // Unreadable to the process that reads the root: what the file holds is unknown, its permissions tell.
            return new RomFile(path, RomFile.Presence.FILE, size, false, Optional.empty(), access(root, file));
        }
    }

    /**
     * The first offset holding an image the way edk2's PciBusDxe accepts one (LoadOpRomImage,
     * MdeModulePkg/Bus/Pci/PciBusDxe/PciOptionRomSupport.c): 0x55 0xAA, then a non-zero, DWORD-aligned pointer at 0x18
     * to a "PCIR" structure that lies inside the file.
     */
    static Optional<Long> imageOffset(byte[] bytes) {
        for (int at = 0; at + PCIR_POINTER + 1 < bytes.length; at++) {
            if ((bytes[at] & 0xff) != 0x55 || (bytes[at + 1] & 0xff) != 0xaa) {
                continue;
            }
            int pcir = (bytes[at + PCIR_POINTER] & 0xff) | (bytes[at + PCIR_POINTER + 1] & 0xff) << 8;
            int structure = at + pcir;
            if (pcir != 0 && pcir % 4 == 0 && structure + PCIR_SIZE <= bytes.length && bytes[structure] == 'P'
                    && bytes[structure + 1] == 'C' && bytes[structure + 2] == 'I' && bytes[structure + 3] == 'R') {
                return Optional.of((long) at);
            }
        }
        return Optional.empty();
    }

    /**
     * Each component from the root to the file, followed through links the way the kernel does when QEMU opens it;
     * empty when a link leads out of the root (its target is then another machine's file) or a component cannot be
     * read.
     */
    private static Optional<List<PathAccess>> access(Path root, Path file) {
        try {
            Path realRoot = root.toRealPath();
            Path real = file.toRealPath();
            if (!real.startsWith(realRoot)) {
                return Optional.empty();
            }
            List<PathAccess> components = new ArrayList<>();
            Path current = realRoot;
            components.add(component(current, "/"));
            for (Path name : realRoot.relativize(real)) {
                current = current.resolve(name);
                components.add(component(current, "/" + realRoot.relativize(current).toString().replace('\\', '/')));
            }
            return Optional.of(components);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static PathAccess component(Path path, String name) throws IOException {
        Map<String, Object> attributes = Files.readAttributes(path, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
        return new PathAccess(name, (Integer) attributes.get("mode") & 07777, (Integer) attributes.get("uid"),
                (Integer) attributes.get("gid"));
    }
}
