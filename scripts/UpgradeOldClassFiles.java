import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites the class files of a jar that are older than Java 6 (major version below 50) as Java 8 class
 * files, with the stack-map frames the type-checking verifier needs computed by ASM. Nothing else about a
 * class changes but one flag newer class files must carry (see {@code visit}).
 *
 * Why: picocli and jdom2 are compiled for Java 5. JDK 17's class-data-sharing archive stores such classes
 * but cannot verify them when it is dumped, so every run of the CLI verified them again with the old
 * type-inferring verifier: about 25 ms of a 0.3 s start (bench/run.py). As Java 8 class files they are
 * verified once, at build time, like every other class in the archive.
 *
 * Each rewritten class is then loaded and initialised in a fresh class loader, so that one the JVM would
 * reject fails the build instead of a user's run.
 *
 * Usage (pom.xml runs it after shading): java -cp asm.jar scripts/UpgradeOldClassFiles.java JAR
 */
public final class UpgradeOldClassFiles {
    private static final int JAVA_6 = 50;

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -cp asm.jar UpgradeOldClassFiles.java JAR");
            System.exit(2);
        }
        Path jar = Path.of(args[0]);
        Path upgraded = jar.resolveSibling(jar.getFileName() + ".upgrading");
        List<String> rewritten = new ArrayList<>();
        try (URLClassLoader classes = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader());
             ZipFile in = new ZipFile(jar.toFile());
             OutputStream file = Files.newOutputStream(upgraded);
             ZipOutputStream out = new ZipOutputStream(file)) {
            Enumeration<? extends ZipEntry> entries = in.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                byte[] bytes;
                try (InputStream data = in.getInputStream(entry)) {
                    bytes = data.readAllBytes();
                }
                if (entry.getName().endsWith(".class") && majorVersion(bytes) < JAVA_6) {
                    bytes = upgrade(bytes, classes);
                    rewritten.add(entry.getName());
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                out.putNextEntry(copy);
                out.write(bytes);
                out.closeEntry();
            }
        }
        verify(upgraded, rewritten);
        Files.move(upgraded, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("rewrote " + rewritten.size() + " pre-Java-6 class files in " + jar + " as Java 8");
    }

    private static int majorVersion(byte[] classFile) {
        return ((classFile[6] & 0xFF) << 8) | (classFile[7] & 0xFF);
    }

    private static byte[] upgrade(byte[] classFile, ClassLoader classes) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            // Frames merge types at branch targets; their common superclass is looked up among the jar's classes.
            @Override
            protected ClassLoader getClassLoader() {
                return classes;
            }
        };
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                // Old compilers left ACC_ABSTRACT off some interfaces (jdom2's package-info classes); the JVM
                // treats old class files that way anyway, newer ones must say so.
                int upgradedAccess = (access & Opcodes.ACC_INTERFACE) != 0 ? access | Opcodes.ACC_ABSTRACT : access;
                super.visit(Opcodes.V1_8, upgradedAccess, name, signature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                String method = reader.getClassName() + "." + name;
                return new MethodVisitor(Opcodes.ASM9, super.visitMethod(access, name, descriptor, signature,
                        exceptions)) {
                    // Subroutines are forbidden from Java 7 on; javac has not emitted them since 1.4.2.
                    @Override
                    public void visitJumpInsn(int opcode, Label label) {
                        if (opcode == Opcodes.JSR) {
                            throw new IllegalStateException(method + " uses a subroutine (jsr); it cannot be upgraded");
                        }
                        super.visitJumpInsn(opcode, label);
                    }
                };
            }
        }, 0);
        return writer.toByteArray();
    }

    /** Loads and initialises every rewritten class from the new jar: a VerifyError fails the build. */
    private static void verify(Path jar, List<String> rewritten) throws IOException {
        try (URLClassLoader classes = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            for (String entry : rewritten) {
                String name = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
                try {
                    Class.forName(name, true, classes);
                } catch (LinkageError e) {
                    if (rejectedByVerifier(e)) {
                        Files.deleteIfExists(jar);
                        throw new IllegalStateException("the rewritten " + name + " does not verify: " + e, e);
                    }
                    // Otherwise a class that needs a library the jar does not hold was verified before it
                    // failed; what it links to is not this tool's concern.
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException("the rewritten jar lost " + name, e);
                }
            }
        }
    }

    private static boolean rejectedByVerifier(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof VerifyError || cause instanceof ClassFormatError) {
                return true;
            }
        }
        return false;
    }
}
