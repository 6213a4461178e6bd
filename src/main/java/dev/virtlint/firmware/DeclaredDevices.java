package dev.virtlint.firmware;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.virtlint.domain.PciAddress;

/**
 * The memory BARs a repository declares for host PCI devices ({@code devices:} in {@code .virt-lint.yaml}), so that
 * where OVMF puts a GPU's BARs is checked in runs that have no host facts (pre-commit, CI). A host's own sysfs, when
 * the run has it, wins: the declaration stands in for it, it does not correct it.
 *
 * @param barsByAddress  memory BARs by host address in sysfs form ({@code 0000:41:00.0})
 * @param vgaControllers the addresses declared VGA controllers ({@code vga: true}), which OVMF never rejects
 */
public record DeclaredDevices(Map<String, List<Bar>> barsByAddress, Set<String> vgaControllers) {
    public static final DeclaredDevices NONE = new DeclaredDevices(Map.of(), Set.of());

    public DeclaredDevices {
        Map<String, List<Bar>> copy = new LinkedHashMap<>();
        barsByAddress.forEach((address, bars) -> copy.put(address, List.copyOf(bars)));
        barsByAddress = Collections.unmodifiableMap(copy);
        vgaControllers = Collections.unmodifiableSet(new LinkedHashSet<>(vgaControllers));
    }

    public Optional<List<Bar>> bars(PciAddress address) {
        return Optional.ofNullable(barsByAddress.get(address.bdf()));
    }

    public boolean isVgaController(PciAddress address) {
        return vgaControllers.contains(address.bdf());
    }

    public boolean isEmpty() {
        return barsByAddress.isEmpty();
    }

    // Written out rather than generated, like Settings' (which holds these): a record's generated equals and hashCode
    // are bootstrapped through method handles on first use, which a short CLI run pays for (see bench/run.py).
    @Override
    public boolean equals(Object other) {
        return other instanceof DeclaredDevices declared && barsByAddress.equals(declared.barsByAddress)
                && vgaControllers.equals(declared.vgaControllers);
    }

    @Override
    public int hashCode() {
        return barsByAddress.hashCode() * 31 + vgaControllers.hashCode();
    }

    /** These declarations with each device {@code later} declares replaced by its declaration. */
    public DeclaredDevices overriddenBy(DeclaredDevices later) {
        Map<String, List<Bar>> merged = new LinkedHashMap<>(barsByAddress);
        merged.putAll(later.barsByAddress);
        Set<String> vga = new LinkedHashSet<>(vgaControllers);
        vga.removeAll(later.barsByAddress.keySet());
        vga.addAll(later.vgaControllers);
        return new DeclaredDevices(merged, vga);
    }
}
