package dev.virtlint.rules.qemu;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.Hostdev;
import dev.virtlint.xml.Edits;
import dev.virtlint.xml.TextEdit;
import dev.virtlint.xml.XmlElement;

/**
 * The names QEMU knows a domain's devices by. libvirt keeps only aliases that start with {@code ua-} (user
 * aliases) when a domain is defined; every other device gets an automatic one, and host devices are numbered
 * {@code hostdev0}, {@code hostdev1}, … in the order libvirt meets them: {@code <interface type='hostdev'>}
 * first, then each {@code <hostdev>} without a user alias, in document order.
 */
public final class DeviceAliases {
    public static final String USER_PREFIX = "ua-";
    private static final Pattern HOSTDEV_ALIAS = Pattern.compile("hostdev(0|[1-9]\\d{0,5})");

    /** What an automatic {@code hostdevN} alias names. */
    public record AutoHostdev(int index, int count, Optional<Hostdev> hostdev) {
    }

    private DeviceAliases() {
    }

    public static boolean isUserAlias(String alias) {
        return alias.startsWith(USER_PREFIX);
    }

    /** For {@code hostdevN}: the device it lands on; the hostdev is empty for an interface or no device at all. */
    public static Optional<AutoHostdev> autoHostdev(DomainDef domain, String alias) {
        Matcher matcher = HOSTDEV_ALIAS.matcher(alias);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        int index = Integer.parseInt(matcher.group(1));
        List<Optional<Hostdev>> numbered = numbered(domain);
        return Optional.of(new AutoHostdev(index, numbered.size(),
                index < numbered.size() ? numbered.get(index) : Optional.empty()));
    }

    /** The automatic alias libvirt gives a hostdev; empty when the hostdev has a user alias. */
    public static Optional<String> autoAliasOf(DomainDef domain, Hostdev hostdev) {
        List<Optional<Hostdev>> numbered = numbered(domain);
        for (int i = 0; i < numbered.size(); i++) {
            if (numbered.get(i).map(h -> h.element() == hostdev.element()).orElse(false)) {
                return Optional.of("hostdev" + i);
            }
        }
        return Optional.empty();
    }

    /** The alias QEMU will know the hostdev by: its user alias, else the automatic one. */
    public static String effectiveAlias(DomainDef domain, Hostdev hostdev) {
        return hostdev.alias().filter(DeviceAliases::isUserAlias)
                .orElseGet(() -> autoAliasOf(domain, hostdev).orElseThrow());
    }

    private static List<Optional<Hostdev>> numbered(DomainDef domain) {
        List<Optional<Hostdev>> numbered = new ArrayList<>();
        for (XmlElement device : domain.devices().map(XmlElement::children).orElse(List.of())) {
            if (device.qualifiedName().equals("interface")
                    && device.attributeValue("type").map("hostdev"::equals).orElse(false)
                    && !userAliasOf(device).isPresent()) {
                numbered.add(Optional.empty());
            }
        }
        for (Hostdev hostdev : domain.hostdevs()) {
            if (hostdev.alias().filter(DeviceAliases::isUserAlias).isEmpty()) {
                numbered.add(Optional.of(hostdev));
            }
        }
        return numbered;
    }

    private static Optional<String> userAliasOf(XmlElement device) {
        return device.child("alias").flatMap(a -> a.attributeValue("name")).filter(DeviceAliases::isUserAlias);
    }

    /**
     * A user alias for the hostdev that no element uses yet: the stem and the hostdev's position among the
     * domain's hostdevs ({@code ua-gpu0} for the first). Each hostdev gets its own name, so fixes of different
     * rules applied in one pass never give two devices the same alias.
     */
    public static String freshUserAlias(DomainDef domain, Hostdev hostdev, String stem) {
        Set<String> taken = new HashSet<>();
        collectAliases(domain.root(), taken);
        String base = USER_PREFIX + stem + positionOf(domain.hostdevs(), hostdev);
        if (!taken.contains(base)) {
            return base;
        }
        for (int n = 1; ; n++) {
            if (!taken.contains(base + "-" + n)) {
                return base + "-" + n;
            }
        }
    }

    /**
     * The hostdev's own position, found by its element as {@link #autoAliasOf} does: record equality would
     * compare whole models, and its method-handle bootstrap costs a one-file run ~10 ms.
     */
    private static int positionOf(List<Hostdev> hostdevs, Hostdev hostdev) {
        for (int i = 0; i < hostdevs.size(); i++) {
            if (hostdevs.get(i).element() == hostdev.element()) {
                return i;
            }
        }
        throw new IllegalArgumentException("the hostdev is not one of the domain's");
    }

    private static void collectAliases(XmlElement element, Set<String> taken) {
        if (element.qualifiedName().equals("alias")) {
            element.attributeValue("name").ifPresent(taken::add);
        }
        element.children().forEach(child -> collectAliases(child, taken));
    }

    /** Gives the hostdev the user alias: renames an existing {@code <alias>} or adds one after its source. */
    public static TextEdit assign(DomainDef domain, Hostdev hostdev, String alias) {
        if (hostdev.aliasElement().isPresent()) {
            return Edits.setAttribute(domain.document(), hostdev.aliasElement().get(), "name", alias);
        }
        char quote = Edits.quoteOf(domain.document());
        return Edits.insertChild(domain.document().source(), hostdev.element(),
                "<alias name=" + quote + Edits.escapeAttribute(alias, quote) + quote + "/>",
                List.of("driver", "source", "boot"));
    }
}
