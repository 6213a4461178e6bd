package dev.virtlint.fix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;

import dev.virtlint.xml.SourceText;

/**
 * Replaces a file's content without ever leaving it half written: the new bytes go to a temporary file in
 * the same directory, are synced to disk, take the original's permissions and owner, and are renamed over
 * it. A symlinked path is written through to its target; the link itself stays. The temporary files a killed
 * run left in the directory are removed first ({@link StaleTemporaries}).
 */
public final class AtomicFileWriter {
    private AtomicFileWriter() {
    }

    /** Encodes the text the way it was read: same charset, and a byte-order mark if it had one. */
    public static byte[] encode(SourceText text) {
        byte[] body = text.text().getBytes(text.charset());
        if (!text.hasByteOrderMark()) {
            return body;
        }
        byte[] bom = "\uFEFF".getBytes(text.charset());
        byte[] out = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, out, 0, bom.length);
        System.arraycopy(body, 0, out, bom.length, body.length);
        return out;
    }

    public static void write(Path path, byte[] content) throws IOException {
        Path target = Files.exists(path) ? path.toRealPath() : path.toAbsolutePath();
        Path directory = target.getParent();
        if (Files.exists(target) && isReadOnly(target)) {
            throw new IOException("permission denied: the file is read-only");
        }
        StaleTemporaries.sweep(directory);
        Path temporary;
        try {
            temporary = Files.createTempFile(directory, StaleTemporaries.prefixFor(target), StaleTemporaries.SUFFIX);
        } catch (IOException e) {
            throw new IOException("cannot create a temporary file in " + directory + " to write " + target.getFileName()
                    + " through: " + reason(e), e);
        }
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            copyOwnershipAndMode(target, temporary);
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    /**
     * Why an operation failed, in words: Java's file exceptions put only the path in their message (an
     * AccessDeniedException's message is the path of the file it could not create).
     */
    public static String reason(IOException e) {
        if (!(e instanceof FileSystemException failure)) {
            return e.getMessage();
        }
        String why = failure.getReason() != null ? failure.getReason()
                : e instanceof AccessDeniedException ? "permission denied"
                : e instanceof NoSuchFileException ? "no such file or directory"
                : e instanceof FileAlreadyExistsException ? "the file already exists"
                : e.getClass().getSimpleName();
        return failure.getFile() == null ? why : why + " (" + failure.getFile() + ")";
    }

    /**
     * Read-only by its mode, not only by access: root may replace any file, but a file its owner made
     * read-only is a statement that it should not change.
     */
    private static boolean isReadOnly(Path file) throws IOException {
        if (!Files.isWritable(file)) {
            return true;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        return view != null && !view.readAttributes().permissions().contains(PosixFilePermission.OWNER_WRITE);
    }

    private static void copyOwnershipAndMode(Path original, Path temporary) throws IOException {
        if (!Files.exists(original)) {
            // A new file gets the usual mode of a user's file, not the private mode of the temporary one.
            if (Files.getFileAttributeView(temporary, PosixFileAttributeView.class) != null) {
                Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-r--r--"));
            }
            return;
        }
        PosixFileAttributeView view = Files.getFileAttributeView(original, PosixFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return;
        }
        PosixFileAttributes attributes = view.readAttributes();
        Files.setPosixFilePermissions(temporary, attributes.permissions());
        PosixFileAttributeView temporaryView = Files.getFileAttributeView(temporary, PosixFileAttributeView.class);
        try {
            temporaryView.setOwner(attributes.owner());
            temporaryView.setGroup(attributes.group());
        } catch (IOException e) {
            // Only root may give a file away; an unprivileged user fixing their own file keeps ownership anyway.
        }
    }
}
