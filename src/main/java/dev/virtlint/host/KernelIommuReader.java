package dev.virtlint.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@link KernelIommu} from a host root. The same paths and line patterns say what a snapshot keeps: only the
 * IOMMU's boot parameters of {@code /proc/cmdline} (a command line may carry anything), the interrupt and chip columns
 * of {@code /proc/interrupts} (its per-CPU counts grow with the CPUs), and the {@code vfio_iommu_type1} lines of
 * {@code /etc/modprobe.d}.
 */
final class KernelIommuReader {
    static final String CMDLINE = "proc/cmdline";
    static final String INTERRUPTS = "proc/interrupts";
    static final String TYPE1_MODULE = "sys/module/vfio_iommu_type1";
    static final String UNSAFE_INTERRUPTS = TYPE1_MODULE + "/parameters/allow_unsafe_interrupts";
    static final String MODPROBE_DIR = "etc/modprobe.d";
    static final String UNSAFE_PARAMETER = "vfio_iommu_type1.allow_unsafe_interrupts";
    /** {@code options vfio_iommu_type1 allow_unsafe_interrupts=1 …} in a modprobe.d file. */
    static final Pattern MODPROBE_OPTIONS = Pattern.compile("^\\s*options\\s+vfio[_-]iommu[_-]type1\\s+(.*)$");
    /** A numbered interrupt line: the number, the per-CPU counts, then the chip's name. */
    private static final Pattern INTERRUPT_LINE = Pattern.compile("^\\s*(\\d+):((?:\\s+\\d+)*)\\s+(\\S+)(.*)$");

    private final RootFiles files;
    private final List<HostWarning> warnings;

    KernelIommuReader(RootFiles files, List<HostWarning> warnings) {
        this.files = files;
        this.warnings = warnings;
    }

    KernelIommu read() {
        Optional<List<String>> parameters = files.read(CMDLINE).map(KernelIommuReader::iommuParameters);
        Optional<Boolean> remapping = files.read(INTERRUPTS).flatMap(KernelIommuReader::interruptRemapping);
        return new KernelIommu(parameters, remapping, unsafeInterrupts(parameters));
    }

    /**
     * The parameters of {@link KernelIommu#PARAMETER_NAMES}, in order, with '-' in a name read as '_' as the kernel
     * does; what follows "--" goes to init and is not the kernel's.
     */
    static List<String> iommuParameters(String cmdline) {
        List<String> kept = new ArrayList<>();
        for (String parameter : cmdline.strip().split("\\s+")) {
            if (parameter.equals("--")) {
                break;
            }
            int equals = parameter.indexOf('=');
            String name = (equals < 0 ? parameter : parameter.substring(0, equals)).replace('-', '_');
            if (KernelIommu.PARAMETER_NAMES.contains(name)) {
                kept.add(name + (equals < 0 ? "" : parameter.substring(equals)));
            }
        }
        return kept;
    }

    /**
     * Remapped interrupts belong to chips whose names start with "IR-" ("IR-IO-APIC", "IR-PCI-MSI",
     * "IR-PCI-MSIX-0000:00:14.0"): the prefix comes from the remapping drivers (pci_msi_ir_controller in
     * arch/x86/kernel/apic/msi.c before Linux 6.2, the msi_parent_ops prefix of drivers/iommu/intel/irq_remapping.c and
     * drivers/iommu/amd/iommu.c since). Without remapping the same interrupts show "IO-APIC" and "PCI-MSI…".
     */
    static Optional<Boolean> interruptRemapping(String text) {
        boolean unremapped = false;
        for (String line : text.lines().toList()) {
            Matcher interrupt = INTERRUPT_LINE.matcher(line);
            if (!interrupt.matches()) {
                continue;
            }
            String chip = interrupt.group(3);
            if (chip.startsWith("IR-")) {
                return Optional.of(true);
            }
            unremapped |= chip.equals("IO-APIC") || chip.startsWith("PCI-MSI");
        }
        return unremapped ? Optional.of(false) : Optional.empty();
    }

    /** A line of {@code /proc/interrupts} as a snapshot keeps it: the number and the chip onwards, no counts. */
    static String withoutCounts(String line) {
        Matcher interrupt = INTERRUPT_LINE.matcher(line);
        return interrupt.matches() ? String.format(Locale.ROOT, "%4s: %s%s", interrupt.group(1), interrupt.group(3),
                interrupt.group(4)).stripTrailing() : "";
    }

    /**
     * The value VFIO uses: the loaded module's parameter; for a module not loaded yet, what it will be loaded with
     * (the kernel command line over modprobe.d, as modprobe appends the command line's options last), else its default,
     * off.
     */
    private Optional<KernelIommu.ModuleSetting> unsafeInterrupts(Optional<List<String>> parameters) {
        if (files.isDirectory(TYPE1_MODULE)) {
            return files.read(UNSAFE_INTERRUPTS)
                    .flatMap(text -> HostFormats.moduleFlag(text, UNSAFE_INTERRUPTS, warnings))
                    .map(value -> new KernelIommu.ModuleSetting(value, UNSAFE_INTERRUPTS));
        }
        if (!files.isDirectory(HostRootReader.MODULES) || parameters.isEmpty()) {
            return Optional.empty();
        }
        Optional<KernelIommu.ModuleSetting> fromCommandLine = parameters.get().stream()
                .filter(parameter -> parameter.startsWith(UNSAFE_PARAMETER + "="))
                .reduce((first, second) -> second)
                .flatMap(parameter -> boolValue(parameter.substring(UNSAFE_PARAMETER.length() + 1)))
                .map(value -> new KernelIommu.ModuleSetting(value, CMDLINE));
        return fromCommandLine.or(this::fromModprobe).or(() -> Optional.of(new KernelIommu.ModuleSetting(false,
                "the default: vfio_iommu_type1 is not loaded and nothing sets it")));
    }

    private Optional<KernelIommu.ModuleSetting> fromModprobe() {
        Optional<KernelIommu.ModuleSetting> last = Optional.empty();
        for (String name : files.list(MODPROBE_DIR).orElse(List.of())) {
            if (!name.endsWith(".conf")) {
                continue;
            }
            String path = MODPROBE_DIR + "/" + name;
            for (String line : files.read(path).orElse("").lines().toList()) {
                Matcher options = MODPROBE_OPTIONS.matcher(line);
                if (!options.matches()) {
                    continue;
                }
                for (String option : options.group(1).split("\\s+")) {
                    if (option.startsWith("allow_unsafe_interrupts=")) {
                        Optional<Boolean> value = boolValue(option.substring(option.indexOf('=') + 1));
                        if (value.isPresent()) {
                            last = Optional.of(new KernelIommu.ModuleSetting(value.get(), path));
                        }
                    }
                }
            }
        }
        return last;
    }

    /** The kernel's bool parameter syntax (kstrtobool): 1/y/on and 0/n/off, any case. */
    private static Optional<Boolean> boolValue(String text) {
        String value = text.toLowerCase(Locale.ROOT);
        if (value.equals("1") || value.startsWith("y") || value.equals("on")) {
            return Optional.of(true);
        }
        if (value.equals("0") || value.startsWith("n") || value.equals("off")) {
            return Optional.of(false);
        }
        return Optional.empty();
    }
}
