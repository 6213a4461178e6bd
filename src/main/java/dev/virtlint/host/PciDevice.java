package dev.virtlint.host;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.PciAddress;

/**
 * One {@code /sys/bus/pci/devices/<BDF>} entry. IDs and the class code are absent when their file is;
 * {@code resources} is absent when {@code resource} is missing or malformed, and lists only used lines.
 *
 * @param driverBinding which host driver owns the function; absent when the capture does not say
 * @param resetMethods  the kernel's ways to reset the function, in the order it tries them ({@code reset_method});
 *                      empty when it has none, absent when unknown
 * @param bootVga       whether the firmware initialised this display controller for the boot console
 *                      ({@code boot_vga}, only on VGA-class functions); absent when unknown
 */
public record PciDevice(PciAddress address, Optional<Integer> vendor, Optional<Integer> device,
                        Optional<Integer> subsystemVendor, Optional<Integer> subsystemDevice,
                        Optional<Integer> classCode, Optional<List<PciResource>> resources,
                        Optional<Integer> iommuGroup, Optional<DriverBinding> driverBinding,
                        Optional<List<String>> resetMethods, Optional<Boolean> bootVga) {

    public PciDevice {
        resources = resources.map(List::copyOf);
        resetMethods = resetMethods.map(List::copyOf);
    }

    /** BAR0–BAR5 that are in use; a 64-bit BAR occupies its index and leaves the next one unused. */
    public Optional<List<PciResource>> bars() {
        return resources.map(list -> list.stream().filter(PciResource::isBar).toList());
    }

    public Optional<PciResource> bar(int index) {
        return bars().flatMap(list -> list.stream().filter(bar -> bar.index() == index).findFirst());
    }

    public Optional<PciResource> rom() {
        return resources.flatMap(list -> list.stream().filter(PciResource::isRom).findFirst());
    }

    /** The largest memory BAR: on a GPU, the VRAM aperture the firmware must place. */
    public Optional<PciResource> largestMemoryBar() {
        return bars().flatMap(list -> list.stream().filter(PciResource::isMemory)
                .max(Comparator.comparingLong(PciResource::size)));
    }

    /** PCI base class 0x03 (VGA 0x0300, XGA 0x0301, 3D controller 0x0302, other 0x0380). */
    public boolean isDisplayController() {
        return classCode.map(code -> code >> 16 == 0x03).orElse(false);
    }

    /** Class 0x0300, a VGA-compatible controller: what lspci calls GeForce, Radeon and Arc boards. */
    public boolean isVgaController() {
        return classCode.map(code -> code >> 8 == 0x0300).orElse(false);
    }

    /** PCI-to-PCI bridges (class 0x0604) and semi-transparent ones (0x0609): root and switch ports. */
    public boolean isBridge() {
        return classCode.map(code -> code >> 8 == 0x0604 || code >> 8 == 0x0609).orElse(false);
    }

    /** Class 0x0403: the HD Audio function GPUs put beside the display function for HDMI/DP audio. */
    public boolean isHdAudio() {
        return classCode.map(code -> code >> 8 == 0x0403).orElse(false);
    }
}
