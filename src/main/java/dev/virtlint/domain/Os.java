package dev.virtlint.domain;

import java.util.Optional;

import dev.virtlint.xml.XmlElement;

/**
 * {@code <os firmware=...><type arch machine>hvm</type><loader/></os>}. {@code machine} is as written: it
 * may be an alias such as {@code q35}, or absent, in which case libvirt picks the emulator's default.
 */
public record Os(XmlElement element, Optional<XmlElement> typeElement, Optional<String> type, Optional<String> arch,
                 Optional<String> machine, Optional<String> firmware, Optional<Loader> loader) {

    /** UEFI either by {@code firmware='efi'} or by a pflash loader, the two ways libvirt selects OVMF. */
    public boolean usesUefi() {
        return firmware.map("efi"::equals).orElse(false)
                || loader.flatMap(Loader::type).map("pflash"::equals).orElse(false)
                || loader.flatMap(Loader::path).map(path -> path.toUpperCase(java.util.Locale.ROOT).contains("OVMF")
                        || path.contains("edk2")).orElse(false);
    }
}
