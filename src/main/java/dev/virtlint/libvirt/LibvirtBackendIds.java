package dev.virtlint.libvirt;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.xml.XmlElement;

/**
 * The ids libvirt gives the backends it creates for a domain ({@code -audiodev}, {@code -netdev}, {@code -chardev},
 * {@code -object}), so that a {@code qemu:commandline} device that refers to one of them (a codec wired to libvirt's
 * {@code audio1}) counts as referring to something. Checked against libvirt 11.3's {@code domxml-to-native} by
 * LibvirtBackendIdsOracleTest. libvirt numbers the devices without a user alias ({@code ua-…}) with the lowest
 * indexes its own aliases leave free, and consoles after the serial console it adds, so every index up to the
 * number of such devices (one more for consoles) is included: an extra id costs at most a missed report, a
 * missing one a false error.
 */
public final class LibvirtBackendIds {
    /** Character devices and the alias stem libvirt numbers them with ({@code charserial0}, {@code charredir0}). */
    private static final List<List<String>> CHARACTER_DEVICES = List.of(List.of("serial", "serial"),
            List.of("parallel", "parallel"), List.of("channel", "channel"), List.of("console", "console"),
            List.of("redirdev", "redir"), List.of("smartcard", "smartcard"));
    /** Memory device models and the alias stem libvirt gives them ({@code memdimm0} is the backend of dimm0). */
    private static final List<List<String>> MEMORY_MODELS = List.of(List.of("dimm", "dimm"),
            List.of("nvdimm", "nvdimm"), List.of("virtio-mem", "virtiomem"), List.of("virtio-pmem", "virtiopmem"));

    private LibvirtBackendIds() {
    }

    public static Set<String> of(DomainDef domain) {
        Set<String> ids = new LinkedHashSet<>(List.of("charmonitor", "pc.ram"));
        for (int cell = 0; cell < domain.cpu().map(cpu -> cpu.numaCells().size()).orElse(0); cell++) {
            ids.add("ram-node" + cell);
        }
        Optional<XmlElement> found = domain.root().child("devices");
        if (found.isEmpty()) {
            return ids;
        }
        XmlElement devices = found.get();
        List<XmlElement> audio = devices.children("audio");
        audio.forEach(backend -> backend.attributeValue("id").ifPresent(id -> ids.add("audio" + id)));
        boolean audioUsers = !devices.children("sound").isEmpty() || !devices.children("graphics").isEmpty();
        if (audio.isEmpty() && audioUsers) {
            // libvirt adds <audio id='1'> for sound devices and graphics: 'none', or the graphics' own backend.
            ids.add("audio1");
        }
        addNumbered(ids, devices.children("interface"), "hostnet", "host", 0);
        for (List<String> kind : CHARACTER_DEVICES) {
            addNumbered(ids, devices.children(kind.get(0)), "char" + kind.get(1), "char",
                    kind.get(0).equals("console") ? 1 : 0);
        }
        addNumbered(ids, devices.children("rng"), "objrng", "obj", 0);
        for (List<String> model : MEMORY_MODELS) {
            addNumbered(ids, devices.children("memory").stream()
                    .filter(memory -> memory.attributeValue("model").map(model.get(0)::equals).orElse(false))
                    .toList(), "mem" + model.get(1), "mem", 0);
        }
        addNumbered(ids, devices.children("shmem"), "shmmem-shmem", "shmmem-", 0);
        return ids;
    }

    /** {@code numbered0} … for each device (and {@code extra} more), and {@code aliased<alias>} for user aliases. */
    private static void addNumbered(Set<String> ids, List<XmlElement> elements, String numbered, String aliased,
                                    int extra) {
        for (int index = 0; index < elements.size() + (elements.isEmpty() ? 0 : extra); index++) {
            ids.add(numbered + index);
        }
        elements.forEach(element -> userAlias(element).ifPresent(alias -> ids.add(aliased + alias)));
    }

    /** {@code <alias name='ua-…'/>}: the only aliases libvirt keeps from the XML; the others it assigns itself. */
    private static Optional<String> userAlias(XmlElement device) {
        return device.child("alias").flatMap(alias -> alias.attributeValue("name"))
                .filter(name -> name.startsWith("ua-"));
    }
}
