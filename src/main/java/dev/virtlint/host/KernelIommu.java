package dev.virtlint.host;

import java.util.List;
import java.util.Optional;

/**
 * What the kernel says about the IOMMU beside its units and groups: the boot parameters that turn it on or off,
 * whether interrupts are remapped, and whether VFIO's type1 backend was told to do without remapping. VFIO refuses to
 * attach a group when interrupts are not remapped unless {@code allow_unsafe_interrupts} is set
 * (vfio_iommu_type1_attach_group, drivers/vfio/vfio_iommu_type1.c).
 *
 * @param parameters          the IOMMU-related kernel parameters from {@code /proc/cmdline} ({@code intel_iommu=on},
 *                            {@code iommu=pt}, …), in order; absent when the command line is unknown
 * @param interruptRemapping  whether the kernel remaps interrupts, told by the interrupt chips in
 *                            {@code /proc/interrupts}: remapped ones carry the prefix {@code IR-}; absent when the file
 *                            is missing or lists no IO-APIC or PCI MSI interrupt
 * @param unsafeInterrupts    {@code vfio_iommu_type1}'s {@code allow_unsafe_interrupts} as VFIO will use it, and where
 *                            that was read; absent when unknown
 */
public record KernelIommu(Optional<List<String>> parameters, Optional<Boolean> interruptRemapping,
                          Optional<ModuleSetting> unsafeInterrupts) {

    /** The boot parameters that decide whether and how the IOMMU runs; the others are not kept. */
    public static final List<String> PARAMETER_NAMES = List.of("intel_iommu", "amd_iommu", "iommu", "intremap",
            "vfio_iommu_type1.allow_unsafe_interrupts");

    public static final KernelIommu UNKNOWN = new KernelIommu(Optional.empty(), Optional.empty(), Optional.empty());

    public KernelIommu {
        parameters = parameters.map(List::copyOf);
    }

    /** The value of the last {@code name=value} parameter with that name (the kernel applies them in order). */
    public Optional<String> parameter(String name) {
        return parameters.flatMap(list -> list.stream()
                .filter(parameter -> parameter.startsWith(name + "="))
                .map(parameter -> parameter.substring(name.length() + 1))
                .reduce((first, second) -> second));
    }

    /** A module parameter's value and the file or parameter it came from. */
    public record ModuleSetting(boolean value, String source) {
    }
}
