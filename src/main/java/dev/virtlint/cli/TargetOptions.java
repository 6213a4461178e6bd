package dev.virtlint.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.virtlint.firmware.OvmfRelease;
import dev.virtlint.host.DetectedStack;
import dev.virtlint.host.HostFacts;
import dev.virtlint.host.HostRootReader;
import dev.virtlint.host.HostWarning;
import dev.virtlint.host.StackDetector;
import dev.virtlint.libvirt.CpuModels;
import dev.virtlint.lint.HostRange;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.platform.Accel;
import dev.virtlint.platform.HostCpu;
import dev.virtlint.platform.TargetStack;
import dev.virtlint.platform.VendorBuild;
import dev.virtlint.platform.Version;
import dev.virtlint.schema.DomainSchema;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The stack and host the domain will run on; shared by every command that predicts behaviour. A version
 * given on the command line wins over one detected from {@code --host-root}, which wins over the default.
 */
final class TargetOptions {

    @Option(names = "--host-root", paramLabel = "DIR",
            description = "Host facts from DIR, laid out like / (use / for this machine, or a capture made with"
                    + " 'virt-lint host-facts --snapshot'). Also detects the QEMU, libvirt and OVMF versions there.")
    Path hostRoot;

    /** The CPU vendors a host given by hand may have. */
    enum HostVendor {
        amd(CpuModels.AMD), intel(CpuModels.INTEL);

        final String vendorId;

        HostVendor(String vendorId) {
            this.vendorId = vendorId;
        }
    }

    @Option(names = "--host-vendor", paramLabel = "VENDOR",
            description = "The host's CPU vendor, ${COMPLETION-CANDIDATES}, for a host you have not captured (wins over"
                    + " --host-root's). Without it and without host facts, checks that depend on it run on both.")
    HostVendor hostVendor;

    @Option(names = "--host-phys-bits", paramLabel = "N",
            description = "The host CPU's physical address bits, " + HostRange.MIN_PHYS_BITS + " to "
                    + HostRange.MAX_PHYS_BITS + " (lscpu: 'Address sizes'), for a host you have not captured (wins over"
                    + " --host-root's). Without it and without host facts, checks that depend on it run on every"
                    + " width.")
    Integer hostPhysBits;

    @Option(names = "--qemu-version", paramLabel = "X.Y", converter = VersionConverter.class,
            description = "QEMU version that will run the domain (default: detected from --host-root, else "
                    + TargetStack.DEFAULT_QEMU + ", or the release that introduced the domain's upstream machine type"
                    + " where that is newer: pc-q35-11.1 means QEMU 11.1).")
    Version qemuVersion;

    @Option(names = "--qemu-build", paramLabel = "BUILD",
            description = "Whose QEMU build: upstream, rhel or ubuntu (default: the one --host-root's QEMU names,"
                    + " else the one whose machine types the domain uses, else upstream).")
    VendorBuild qemuBuild;

    @Option(names = "--libvirt-version", paramLabel = "X.Y.Z", converter = VersionConverter.class,
            description = "libvirt version that will define the domain; fixes use only elements it has (default:"
                    + " detected, else " + TargetStack.DEFAULT_LIBVIRT + ").")
    Version libvirtVersion;

    @Option(names = "--ovmf-version", paramLabel = "YYYY.MM",
            description = "OVMF (edk2) release the guest boots, such as 2024.02 or a package version such as"
                    + " 2025.02-8+deb13u1 (default: detected from --host-root, else every release from "
                    + "2022.02, in the spans the model tells apart).")
    String ovmfVersion;

    @Option(names = "--libvirt-schemas", paramLabel = "DIR",
            description = "libvirt's RELAX NG schemas (domain.rng and the files it includes) for the schema check,"
                    + " VL010 (default: " + DomainSchema.INSTALLED_DIRECTORY + ", where libvirt installs them).")
    Path libvirtSchemas;

    @Option(names = "--accel", paramLabel = "ACCEL",
            description = "kvm or tcg (default: the domain's type: kvm -> kvm, qemu -> tcg).")
    Accel accel;

    /** Reads the host facts (if asked) and settles the target stack; host warnings go to {@code warn}. */
    LintEnvironment environment(Consumer<String> warn) throws TypeConversionException {
        Optional<HostFacts> facts = Optional.empty();
        Optional<DetectedStack> found = Optional.empty();
        if (hostRoot != null) {
            if (!Files.isDirectory(hostRoot)) {
                throw new TypeConversionException("--host-root " + hostRoot + " is not a directory");
            }
            // The host's files are read while the tools that name the stack answer: a run waits for both.
            FutureTask<HostFacts> reading = new FutureTask<>(() -> HostRootReader.read(hostRoot));
            Thread reader = new Thread(reading, "virt-lint host facts");
            reader.setDaemon(true);
            reader.start();
            DetectedStack stack = new StackDetector().detect(hostRoot, () -> await(reading));
            HostFacts read = await(reading);
            facts = Optional.of(read);
            found = Optional.of(stack);
            for (HostWarning warning : read.warnings()) {
                warn.accept("virt-lint: host facts: " + warning);
            }
            for (HostWarning warning : stack.warnings()) {
                warn.accept("virt-lint: host facts: " + warning);
            }
        }
        Optional<DetectedStack> detected = found;
        Optional<Version> qemuNamed = Optional.ofNullable(qemuVersion)
                .or(() -> detected.flatMap(DetectedStack::qemu).flatMap(TargetOptions::leadingVersion));
        Version qemu = qemuNamed.orElse(Version.parse(TargetStack.DEFAULT_QEMU));
        Version libvirt = Optional.ofNullable(libvirtVersion)
                .or(() -> detected.flatMap(DetectedStack::libvirt).flatMap(TargetOptions::leadingVersion))
                .orElse(Version.parse(TargetStack.DEFAULT_LIBVIRT));
        String ovmf = Optional.ofNullable(ovmfVersion)
                .or(() -> detected.flatMap(DetectedStack::ovmf).flatMap(TargetOptions::ovmfRelease))
                .orElse(TargetStack.DEFAULT_OVMF);
        // A build the host's QEMU names settles the machine types too; without one the domain's own types pick it.
        Optional<VendorBuild> build = Optional.ofNullable(qemuBuild)
                .or(() -> detected.flatMap(DetectedStack::qemu).flatMap(VendorBuild::ofQemuVersion));
        TargetStack stack = new TargetStack(qemu, build, libvirt, ovmf, Optional.ofNullable(accel),
                qemuNamed.isEmpty());
        LintEnvironment environment = LintEnvironment.of(stack, facts);
        if (libvirtSchemas != null) {
            environment = environment.withLibvirtSchemas(libvirtSchemas);
        }
        boolean ovmfNamed = ovmfVersion != null || detected.flatMap(DetectedStack::ovmf)
                .flatMap(TargetOptions::ovmfRelease).isPresent();
        if (!ovmfNamed) {
            environment = environment.withOvmfAssumed();
        }
        if (hostVendor == null && hostPhysBits == null) {
            return environment;
        }
        if (hostPhysBits != null
                && (hostPhysBits < HostRange.MIN_PHYS_BITS || hostPhysBits > HostRange.MAX_PHYS_BITS)) {
            throw new TypeConversionException("--host-phys-bits " + hostPhysBits + " is not a width x86-64 CPUs have ("
                    + HostRange.MIN_PHYS_BITS + " to " + HostRange.MAX_PHYS_BITS + ")");
        }
        HostCpu known = environment.hostCpu();
        HostCpu host = new HostCpu(hostVendor == null ? known.vendorId() : Optional.of(hostVendor.vendorId),
                hostPhysBits == null ? known.physBits() : OptionalInt.of(hostPhysBits));
        return environment.withHostCpu(host);
    }

    private static HostFacts await(FutureTask<HostFacts> reading) {
        try {
            return reading.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TypeConversionException("interrupted while reading the host facts");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }

    private static Optional<Version> leadingVersion(String text) {
        Matcher matcher = Pattern.compile("^(\\d+\\.\\d+(?:\\.\\d+)?)").matcher(text);
        return matcher.find() ? Version.tryParse(matcher.group(1)) : Optional.empty();
    }

    /**
     * A package version that names an edk2 release ({@code 2025.02-8+deb13u1} names 2025.02), kept whole: the Debian
     * revision tells whether the build carries a later release's change ({@link OvmfRelease#parse}).
     */
    private static Optional<String> ovmfRelease(String text) {
        return OvmfRelease.parse(text).map(release -> text.strip());
    }

    static final class VersionConverter implements ITypeConverter<Version> {
        @Override
        public Version convert(String value) {
            return Version.tryParse(value).orElseThrow(
                    () -> new TypeConversionException("'" + value + "' is not a version such as 10.0 or 11.3.0"));
        }
    }
}
