package dev.virtlint.rules.libvirt;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.Loader;
import dev.virtlint.platform.MachineFamily;
import dev.virtlint.platform.MachineType;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.xml.XmlElement;

@RuleInfo(id = "VL702", name = "secure-boot-prerequisites", severity = Severity.ERROR, family = Family.LIBVIRT,
        summary = "Secure boot on a machine type that is not q35, with SMM off, or enrolled keys without secure boot:"
                + " libvirt refuses the domain")
public final class SecureBootPrerequisites implements Rule {
    /** libvirt's texts: the first two from qemuValidateDomainDefBoot (src/qemu/qemu_validate.c). */
    static final String NOT_Q35 = "Secure boot is supported with q35 machine types only";
    static final String SMM_OFF = "Secure boot requires SMM feature enabled";
    /** From virDomainDefOSValidate (src/conf/domain_validate.c). */
    static final String ENROLLED_KEYS = "firmware feature 'enrolled-keys' cannot be enabled when firmware feature"
            + " 'secure-boot' is disabled";

    @Override
    public List<Finding> check(LintContext context) {
        DomainDef domain = context.domain();
        List<Finding> findings = new ArrayList<>();
        Optional<Loader> secureLoader = domain.os().loader().filter(loader -> loader.secure().map("yes"::equals)
                .orElse(false));
        if (secureLoader.isPresent()) {
            XmlElement loader = secureLoader.get().element();
            Optional<MachineFamily> family = context.platform().machine().map(MachineType::family);
            if (family.isPresent() && family.get() != MachineFamily.Q35) {
                findings.add(context.finding(this, loader, refusal(NOT_Q35) + " <loader secure='yes'> needs the"
                        + " SMM-protected flash only q35 has, and machine '" + context.platform().machineName()
                        + "' is not q35: use a pc-q35 machine type, or secure='no' to boot without secure boot").build());
            }
            // With firmware='efi' libvirt turns SMM on itself when it picks a secure-boot firmware.
            boolean smmOff = domain.features().smmState().map("off"::equals).orElse(false);
            if (domain.os().firmware().isEmpty() && smmOff) {
                XmlElement smm = domain.features().element().flatMap(features -> features.child("smm")).orElse(loader);
                findings.add(context.finding(this, smm, refusal(SMM_OFF) + " <loader secure='yes'> is a firmware"
                        + " that keeps its variables behind SMM, and <smm state='off'/> removes it: remove the <smm>"
                        + " line or set state='on'").build());
            }
        }
        enrolledKeysWithoutSecureBoot(domain).ifPresent(feature -> findings.add(context.finding(this, feature,
                refusal(ENROLLED_KEYS) + " Keys enrolled in the variable store matter only to secure boot; enable"
                        + " 'secure-boot' or drop 'enrolled-keys'").build()));
        return findings;
    }

    private static String refusal(String libvirtMessage) {
        return "libvirt refuses the domain (at define, and at start for one defined before): \"" + libvirtMessage
                + "\".";
    }

    private static Optional<XmlElement> enrolledKeysWithoutSecureBoot(DomainDef domain) {
        List<XmlElement> features = domain.os().element().child("firmware")
                .map(firmware -> firmware.children("feature")).orElse(List.of());
        boolean secureBootDisabled = features.stream().anyMatch(feature -> named(feature, "secure-boot")
                && enabled(feature, "no"));
        return features.stream().filter(feature -> named(feature, "enrolled-keys") && enabled(feature, "yes"))
                .filter(feature -> secureBootDisabled).findFirst();
    }

    private static boolean named(XmlElement feature, String name) {
        return feature.attributeValue("name").map(name::equals).orElse(false);
    }

    private static boolean enabled(XmlElement feature, String value) {
        return feature.attributeValue("enabled").map(value::equals).orElse(false);
    }
}
