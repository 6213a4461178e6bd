package dev.virtlint.rules.machine;

import java.util.List;

import dev.virtlint.platform.MachineCatalogue;
import dev.virtlint.platform.MachineFamily;
import dev.virtlint.platform.MachineType;
import dev.virtlint.platform.Platform;
import dev.virtlint.platform.QemuBinary;
import dev.virtlint.platform.Registration;
import dev.virtlint.platform.VendorBuild;
import dev.virtlint.platform.Version;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.FindingBuilder;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

@RuleInfo(id = "VL001", name = "unknown-machine-type", severity = Severity.ERROR, family = Family.MACHINE,
        summary = "The machine type does not exist in the target QEMU, so libvirt refuses the domain")
public final class UnknownMachineType implements Rule {
    @Override
    public List<Finding> check(LintContext context) {
        Platform platform = context.platform();
        if (platform.registration() != Registration.NOT_REGISTERED || !context.domain().os().machine().isPresent()) {
            return List.of();
        }
        String name = platform.machineName();
        String qemu = "QEMU " + platform.qemu().version();
        String why = platform.machine().isEmpty()
                ? "no QEMU build defines a machine type named '" + name + "'"
                : platform.machine().get().vendorBuild() != platform.qemu().build()
                ? anotherBuildsType(platform.machine().get(), platform.qemu(), qemu)
                : newerThanEveryKnownRelease(platform.machine().get(), platform.qemu())
                ? "'" + name + "' is newer than QEMU " + MachineCatalogue.NEWEST_UPSTREAM_RELEASE + ", the newest"
                        + " release virt-lint knows: no released QEMU registers it (a development build that does"
                        + " needs --qemu-version)"
                : qemu + " does not register '" + name + "'";
        var element = MachineElements.anchor(context.domain());
        var at = element.attribute("machine");
        String message = why + ": libvirt refuses the domain with \"unsupported configuration: Emulator"
                + " '/usr/bin/qemu-system-x86_64' does not support machine type '" + name + "'\""
                + platform.qemuAssumption().map(assumed -> ". " + assumed).orElse("");
        FindingBuilder finding = (at.isPresent() ? context.finding(this, at.get(), message)
                : context.finding(this, element, message)).data("machine", name)
                .data("qemuVersion", platform.qemu().version().toString())
                .data("qemuBuild", label(platform.qemu().build()));
        MachineCatalogue.machineListSource(platform.qemu()).ifPresent(source -> finding.data("machineList", source));
        return List.of(finding.build());
    }

    /** A type of a release after the newest one virt-lint knows, checked against a QEMU no newer than that. */
    private static boolean newerThanEveryKnownRelease(MachineType type, QemuBinary binary) {
        Version newest = MachineCatalogue.NEWEST_UPSTREAM_RELEASE;
        return type.vendorBuild() == VendorBuild.UPSTREAM && binary.version().series().compareTo(newest) <= 0
                && type.baseVersion().map(base -> base.series().compareTo(newest) > 0).orElse(false);
    }

    /**
     * Ubuntu's and RHEL's builds register machine types of their own, which no other build has. The target build
     * is known here (--qemu-build, or the package the host's QEMU names): the type is refused however current.
     */
    private static String anotherBuildsType(MachineType type, QemuBinary binary, String qemu) {
        String upstreamTwin = type.baseVersion()
                .map(base -> "; it is based on upstream's pc-" + (type.family() == MachineFamily.Q35
                        ? "q35-" : "i440fx-") + base.series())
                .orElse("");
        return "'" + type.concreteName() + "' is a machine type of " + label(type.vendorBuild()) + " QEMU builds only,"
                + " and the target " + qemu + " is " + label(binary.build()) + " build, which does not register it"
                + (binary.build() == VendorBuild.RHEL ? "" : upstreamTwin);
    }

    private static String label(VendorBuild build) {
        return switch (build) {
            case UPSTREAM -> "upstream's";
            case RHEL -> "RHEL's";
            case UBUNTU -> "Ubuntu's";
        };
    }
}
