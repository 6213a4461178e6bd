package dev.virtlint.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A domain file as this build machine's libvirt can convert it with {@code virsh domxml-to-native}: what belongs to
 * the author's machine is replaced or dropped, everything a virt-lint fix touches is left as written, so that an
 * original and its fixed file prepared alike differ only by the fix.
 * <ul>
 * <li>TCG instead of KVM (no {@code /dev/kvm} here), and {@code maximum} for {@code host-passthrough}, TCG's
 * nearest CPU;</li>
 * <li>each PCI hostdev (no VFIO here: libvirt refuses them) becomes a virtio RNG, a PCI Express endpoint like the
 * device, at the same guest address or at the one libvirt picks, so that libvirt lays out the PCI tree as it would
 * with the device; its alias, {@link #standInAlias(int)} (numbered from 0 in document order), is the id of its
 * {@code -device} (a NIC would not do: libvirt's conversion drops a NIC's address and alias);</li>
 * <li>USB hostdevs, virtiofs shares, a passed-through TPM, hugepages, host SMBIOS and the {@code <emulator>} go: they name the author's
 * devices, mounts and distribution;</li>
 * <li>a firmware or varstore template path that does not exist here becomes Debian's OVMF of the same kind (with or
 * without Secure Boot), which libvirt's firmware descriptors here name.</li>
 * </ul>
 */
public final class ConvertibleHere {
    private static final Pattern ROOT_KVM = Pattern.compile("<domain(\\s[^>]*?)?\\stype=(['\"])kvm\\2");
    private static final Pattern HOST_PASSTHROUGH = Pattern.compile("mode=(['\"])host-passthrough\\1");
    private static final Pattern HOSTDEV =
            Pattern.compile("(?s)<hostdev\\b[^>]*?(?:/>|>.*?</hostdev>)");
    private static final Pattern PCI_TYPE = Pattern.compile("^<hostdev\\b[^>]*\\stype=(['\"])pci\\1");
    private static final Pattern GUEST_ADDRESS = Pattern.compile("<address\\s[^>]*type=(['\"])pci\\1[^>]*/>");
    private static final Pattern VIRTIOFS =
            Pattern.compile("(?s)\\s*<filesystem\\b(?:(?!</filesystem>).)*?<driver\\s[^>]*virtiofs.*?</filesystem>");
    private static final Pattern TPM_PASSTHROUGH =
            Pattern.compile("(?s)\\s*<tpm\\b(?:(?!</tpm>).)*?<backend\\s[^>]*type=(['\"])passthrough\\1.*?</tpm>");
    private static final Pattern HUGEPAGES = Pattern.compile("(?s)\\s*<hugepages\\s*/>|\\s*<hugepages>.*?</hugepages>");
    private static final Pattern HOST_SMBIOS = Pattern.compile("\\s*<smbios\\s+mode=(['\"])host\\1\\s*/>");
    private static final Pattern EMULATOR = Pattern.compile("\\s*<emulator>[^<]*</emulator>");
    private static final Pattern LOADER = Pattern.compile("(<loader\\b([^>]*))>([^<]*)</loader>");
    private static final Pattern SECURE = Pattern.compile("\\ssecure=(['\"])yes\\1");
    private static final Pattern TEMPLATE = Pattern.compile("\\stemplate=(['\"])([^'\"]*)\\1");
    private static final String OVMF = "/usr/share/OVMF/";

    private ConvertibleHere() {
    }

    /** The alias, and so the QEMU id, of the stand-in for the {@code index}th PCI hostdev of the file. */
    public static String standInAlias(int index) {
        return "ua-standin" + index;
    }

    public static String prepare(String xml) {
        String text = ROOT_KVM.matcher(xml).replaceFirst("<domain$1 type=$2qemu$2");
        text = HOST_PASSTHROUGH.matcher(text).replaceAll("mode=$1maximum$1");
        text = replaceHostdevs(text);
        text = VIRTIOFS.matcher(text).replaceAll("");
        text = TPM_PASSTHROUGH.matcher(text).replaceAll("");
        text = HUGEPAGES.matcher(text).replaceAll("");
        text = HOST_SMBIOS.matcher(text).replaceAll("");
        text = EMULATOR.matcher(text).replaceAll("");
        text = LOADER.matcher(text).replaceAll(loader -> Matcher.quoteReplacement(existsHere(loader.group(3))
                ? loader.group()
                : loader.group(1) + ">" + OVMF + (SECURE.matcher(loader.group(2)).find() ? "OVMF_CODE_4M.secboot.fd"
                        : "OVMF_CODE_4M.fd") + "</loader>"));
        return TEMPLATE.matcher(text).replaceAll(template -> Matcher.quoteReplacement(existsHere(template.group(2))
                ? template.group()
                : " template=" + template.group(1) + OVMF + "OVMF_VARS_4M.fd" + template.group(1)));
    }

    private static boolean existsHere(String path) {
        return Files.exists(Path.of(path.strip()));
    }

    private static String replaceHostdevs(String text) {
        Matcher hostdev = HOSTDEV.matcher(text);
        StringBuilder out = new StringBuilder();
        int standIns = 0;
        while (hostdev.find()) {
            String replacement = "";
            if (PCI_TYPE.matcher(hostdev.group()).find()) {
                Matcher address = GUEST_ADDRESS.matcher(hostdev.group());
                replacement = "<rng model='virtio'><backend model='random'>/dev/urandom</backend><alias name='"
                        + standInAlias(standIns++) + "'/>" + (address.find() ? address.group() : "") + "</rng>";
            }
            hostdev.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        hostdev.appendTail(out);
        return out.toString();
    }
}
