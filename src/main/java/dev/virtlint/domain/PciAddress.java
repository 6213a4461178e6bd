package dev.virtlint.domain;

import java.util.Locale;

/** A PCI address domain:bus:slot.function, as in {@code <address type='pci' .../>} or a host BDF. */
public record PciAddress(int domain, int bus, int slot, int function) {

    /** The sysfs / lspci form {@code 0000:01:00.0}. */
    public String bdf() {
        return String.format(Locale.ROOT, "%04x:%02x:%02x.%x", domain, bus, slot, function);
    }

    public boolean sameSlot(PciAddress other) {
        return domain == other.domain && bus == other.bus && slot == other.slot;
    }

    /**
     * Parses one address component the way libvirt does (strtol base 0): {@code 0x} hexadecimal, a leading
     * {@code 0} octal, otherwise decimal. A missing component is 0.
     */
    static int component(String value, String name, int max) throws InvalidValueException {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String text = value.strip();
        if (text.startsWith("+") || text.startsWith("-")) {
            throw new InvalidValueException("PCI " + name + " '" + value + "' is not an unsigned number");
        }
        int radix = 10;
        if (text.startsWith("0x") || text.startsWith("0X")) {
            radix = 16;
            text = text.substring(2);
        } else if (text.length() > 1 && text.startsWith("0")) {
            radix = 8;
            text = text.substring(1);
        }
        try {
            int parsed = Integer.parseInt(text, radix);
            if (parsed < 0 || parsed > max) {
                throw new InvalidValueException("PCI " + name + " '" + value + "' is out of range 0.." + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new InvalidValueException("PCI " + name + " '" + value + "' is not a number");
        }
    }

    @Override
    public String toString() {
        return bdf();
    }
}
