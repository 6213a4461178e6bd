package dev.virtlint.libvirt;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The parts of the QEMU command line that decide the guest's address space, as libvirt will generate
 * them from a domain (plus any {@code qemu:commandline} arguments that override them).
 *
 * @param initialRamBytes {@code -m size=}, after libvirt's alignment; empty when it overflows 2^63 bytes
 * @param maxMemBytes     {@code -m maxmem=}
 * @param slots           {@code -m slots=}
 * @param pciHole64Bytes  the host bridge's {@code pci-hole64-size}, from {@code <pcihole64>} or a {@code -global}
 * @param cpuModel        the {@code -cpu} model: {@code host}, {@code max}, a named model, or empty for
 *                        host-model (libvirt expands it to a model of the host's vendor)
 * @param vendorOverride  {@code vendor=} on {@code -cpu} (libvirt's {@code <model vendor_id>})
 * @param physBits        what {@code -cpu} and {@code -global} say about phys-bits
 * @param overrides       one line per {@code qemu:commandline} argument that changed any of the above
 */
public record QemuInputs(OptionalLong initialRamBytes, OptionalLong maxMemBytes, OptionalInt slots,
                         OptionalLong pciHole64Bytes, Optional<String> cpuModel, Optional<String> vendorOverride,
                         PhysBitsRequest physBits, List<String> overrides) {
}
