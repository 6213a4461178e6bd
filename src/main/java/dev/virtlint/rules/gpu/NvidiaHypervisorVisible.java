package dev.virtlint.rules.gpu;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.DomainDef;
import dev.virtlint.domain.Features;
import dev.virtlint.domain.HyperV;
import dev.virtlint.domain.QemuArg;
import dev.virtlint.domain.QemuOptions;
import dev.virtlint.host.PciDevice;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.Fix;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.NotChecked;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.rules.qemu.QemuCommandLine;
import dev.virtlint.xml.Edits;
import dev.virtlint.xml.SourceText;
import dev.virtlint.xml.TextEdit;
import dev.virtlint.xml.XmlElement;

@RuleInfo(id = "VL402", name = "nvidia-hypervisor-visible", severity = Severity.WARNING, family = Family.GPU,
        summary = "An NVIDIA GPU in a Windows guest that can see the hypervisor: drivers before 465 stop it with Code 43")
public final class NvidiaHypervisorVisible implements Rule {
    /** Any value but Hyper-V's own "Microsoft Hv" hides it; libvirt allows at most 12 characters, no commas. */
    static final String VENDOR_ID = "0123456789ab";

    /** What libvirt writes before {@code <features>}, so a new one lands where libvirt would put it. */
    private static final List<String> BEFORE_FEATURES = List.of("name", "uuid", "genid", "title", "description",
            "metadata", "maxMemory", "memory", "currentMemory", "blkiotune", "memtune", "memoryBacking", "vcpu",
            "vcpus", "iothreads", "iothreadids", "cputune", "numatune", "resource", "sysinfo", "bootloader",
            "bootloader_args", "os", "idmap");
    private static final List<String> BEFORE_KVM = List.of("pae", "acpi", "apic", "hap", "viridian", "privnet", "hyperv");
    private static final List<String> BEFORE_VENDOR_ID = List.of("relaxed", "vapic", "spinlocks", "vpindex", "runtime",
            "synic", "stimer", "reset");

    @Override
    public List<Finding> check(LintContext context) {
        DomainDef domain = context.domain();
        if (domain.pciHostdevs().isEmpty()) {
            return List.of();
        }
        Optional<String> windows = domain.windowsEvidence();
        if (windows.isEmpty()) {
            return List.of();
        }
        Optional<HyperV> hyperv = domain.features().hyperv();
        if (!Gpus.hostListsPciDevices(context)) {
            context.couldNotCheck(this, "the PCI vendor of the assigned devices (NVIDIA is 0x10de)",
                    NotChecked.HOST_PCI_DEVICES);
            return List.of();
        }
        Optional<Gpus.Gpu> nvidia = Gpus.assigned(context).stream()
                .filter(gpu -> gpu.hostDevice().flatMap(PciDevice::vendor).map(v -> v == Gpus.NVIDIA).orElse(false))
                .findFirst();
        if (nvidia.isEmpty()) {
            return List.of();
        }
        Optional<QemuArg> userCpu = lastUserCpu(domain);
        boolean hidden;
        boolean vendorIdSet;
        boolean hypervInCpu;
        if (userCpu.isPresent()) {
            String cpu = userCpu.get().value();
            hidden = QemuCommandLine.property(cpu, "kvm").map("off"::equals).orElse(false);
            vendorIdSet = QemuCommandLine.property(cpu, "hv-vendor-id").or(() -> QemuCommandLine.property(cpu, "hv_vendor_id"))
                    .filter(v -> !v.isEmpty()).isPresent();
            hypervInCpu = QemuOptions.split(cpu).stream().anyMatch(p -> p.startsWith("hv-") || p.startsWith("hv_"));
        } else {
            hidden = domain.features().kvmHidden();
            vendorIdSet = hyperv.flatMap(HyperV::vendorIdState).map("on"::equals).orElse(false)
                    && hyperv.flatMap(HyperV::vendorIdValue).filter(v -> !v.isEmpty()).isPresent();
            hypervInCpu = hyperv.map(HyperV::enlightens).orElse(false);
        }
        boolean vendorIdMissing = hypervInCpu && !vendorIdSet;
        if (hidden && !vendorIdMissing) {
            return List.of();
        }
        List<String> missing = new ArrayList<>();
        if (!hidden) {
            missing.add((userCpu.isPresent() ? "kvm=off" : "<kvm><hidden state='on'/></kvm>")
                    + ", which hides KVM's CPUID signature");
        }
        if (vendorIdMissing) {
            missing.add((userCpu.isPresent() ? "hv-vendor-id=…" : "<hyperv><vendor_id state='on' value='…'/>")
                    + ", which replaces Hyper-V's vendor \"Microsoft Hv\"");
        }
        String where = userCpu.isPresent() ? "the -cpu argument in qemu:commandline (it replaces the -cpu libvirt"
                + " generates, so the XML's settings do not count)" : "the domain";
        String message = "the NVIDIA GPU " + nvidia.get().source().bdf() + " goes to a Windows guest ("
                + windows.get() + ") but "
                + where + " lacks " + String.join(", and ", missing) + ": NVIDIA's Windows drivers before version 465"
                + " see the hypervisor and stop the GPU with error 43 (\"Windows has stopped this device because it"
                + " has reported problems. (Code 43)\")";
        return List.of(context.finding(this, nvidia.get().hostdev().element(), message)
                .data("gpu", nvidia.get().source().bdf())
                .data("kvmHidden", hidden)
                .data("vendorIdMissing", vendorIdMissing)
                .fix(userCpu.isPresent() ? cpuFix(domain, userCpu.get(), hidden, vendorIdMissing)
                        : xmlFix(context, hidden, vendorIdMissing).orElse(null))
                .build());
    }

    /** QEMU keeps only the last -cpu, so a -cpu in qemu:commandline overrides everything libvirt set. */
    private static Optional<QemuArg> lastUserCpu(DomainDef domain) {
        Optional<QemuArg> last = Optional.empty();
        for (QemuCommandLine.Item item : QemuCommandLine.of(domain)) {
            if (item.is("cpu") && item.value().isPresent()) {
                last = item.value();
            }
        }
        return last;
    }

    private static Fix cpuFix(DomainDef domain, QemuArg cpu, boolean hidden, boolean vendorIdMissing) {
        String value = cpu.value() + (hidden ? "" : ",kvm=off") + (vendorIdMissing ? ",hv-vendor-id=" + VENDOR_ID : "");
        return Fix.safe("add " + value.substring(cpu.value().length() + 1) + " to the -cpu argument",
                List.of(Edits.setAttribute(domain.document(), cpu.element(), "value", value)));
    }

    private static Optional<Fix> xmlFix(LintContext context, boolean hidden, boolean vendorIdMissing) {
        if (!context.platform().stack().libvirtAtLeast(1, 3)) {
            return Optional.empty();
        }
        DomainDef domain = context.domain();
        SourceText source = domain.document().source();
        char q = Edits.quoteOf(domain.document());
        String hiddenXml = "<hidden state=" + q + "on" + q + "/>";
        Features features = domain.features();
        List<TextEdit> edits = new ArrayList<>();
        List<String> done = new ArrayList<>();
        if (!hidden) {
            done.add("<kvm><hidden state='on'/></kvm>");
            if (features.element().isEmpty()) {
                edits.add(Edits.insertChildBlock(source, domain.root(), "<features>\n\t<kvm>\n\t\t" + hiddenXml
                        + "\n\t</kvm>\n</features>", BEFORE_FEATURES));
            } else if (features.kvm().isEmpty()) {
                edits.add(Edits.insertChildBlock(source, features.element().get(), "<kvm>\n\t" + hiddenXml + "\n</kvm>",
                        BEFORE_KVM));
            } else {
                Optional<XmlElement> hiddenElement = features.kvm().get().child("hidden");
                edits.add(hiddenElement.isPresent()
                        ? Edits.setAttribute(domain.document(), hiddenElement.get(), "state", "on")
                        : Edits.insertChild(source, features.kvm().get(), hiddenXml, List.of()));
            }
        }
        if (vendorIdMissing) {
            done.add("<vendor_id state='on' value='" + VENDOR_ID + "'/>");
            HyperV hyperv = features.hyperv().orElseThrow();
            if (hyperv.vendorIdElement().isPresent()) {
                XmlElement vendorId = hyperv.vendorIdElement().get();
                boolean needsValue = hyperv.vendorIdValue().filter(v -> !v.isEmpty()).isEmpty();
                TextEdit state = Edits.setAttribute(domain.document(), vendorId, "state", "on");
                TextEdit value = Edits.setAttribute(domain.document(), vendorId, "value", VENDOR_ID);
                if (needsValue && state.start() == value.start() && state.end() == value.end()) {
                    // Both attributes are new: one insertion, so their order is fixed.
                    edits.add(new TextEdit(state.start(), state.end(), state.replacement() + value.replacement()));
                } else {
                    edits.add(state);
                    if (needsValue) {
                        edits.add(value);
                    }
                }
            } else {
                edits.add(Edits.insertChild(source, hyperv.element(), "<vendor_id state=" + q + "on" + q + " value="
                        + q + VENDOR_ID + q + "/>", BEFORE_VENDOR_ID));
            }
        }
        return Optional.of(Fix.safe("add " + String.join(" and ", done), edits));
    }
}
