package dev.virtlint.rules.libvirt;

import java.util.List;
import java.util.Optional;

import dev.virtlint.domain.Cpu;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;
import dev.virtlint.xml.XmlElement;

@RuleInfo(id = "VL701", name = "cpu-topology-mismatch", severity = Severity.ERROR, family = Family.LIBVIRT,
        summary = "The <topology> multiplies to another vCPU count than <vcpu>, so libvirt refuses the domain")
public final class CpuTopologyMismatch implements Rule {
    /** libvirt's text, from qemuValidateDomainVCpuTopology in src/qemu/qemu_validate.c. */
    static final String LIBVIRT_ERROR = "CPU topology doesn't match maximum vcpu count";

    @Override
    public List<Finding> check(LintContext context) {
        Optional<XmlElement> topology = context.domain().cpu().map(Cpu::element).flatMap(cpu -> cpu.child("topology"));
        if (topology.isEmpty()) {
            return List.of();
        }
        // sockets, cores and threads are required by libvirt's parser; dies and clusters default to 1.
        Optional<Long> sockets = LibvirtValues.unsigned(topology.get(), "sockets");
        Optional<Long> cores = LibvirtValues.unsigned(topology.get(), "cores");
        Optional<Long> threads = LibvirtValues.unsigned(topology.get(), "threads");
        long dies = LibvirtValues.unsigned(topology.get(), "dies").orElse(1L);
        long clusters = LibvirtValues.unsigned(topology.get(), "clusters").orElse(1L);
        Optional<Long> vcpus = LibvirtValues.maximumVcpus(context.domain());
        if (sockets.isEmpty() || cores.isEmpty() || threads.isEmpty() || vcpus.isEmpty() || sockets.get() == 0) {
            return List.of();
        }
        long topologyCpus = sockets.get() * dies * clusters * cores.get() * threads.get();
        if (topologyCpus == vcpus.get()) {
            return List.of();
        }
        String product = sockets.get() + " socket" + (sockets.get() == 1 ? "" : "s")
                + (dies == 1 ? "" : " × " + dies + " dies") + (clusters == 1 ? "" : " × " + clusters + " clusters")
                + " × " + cores.get() + " core" + (cores.get() == 1 ? "" : "s") + " × " + threads.get() + " thread"
                + (threads.get() == 1 ? "" : "s");
        return List.of(context.finding(this, topology.get(), "libvirt refuses the domain (at define, and at start for"
                        + " one defined before): \"" + LIBVIRT_ERROR + "\". The topology is " + product + " = "
                        + topologyCpus + " vCPUs but <vcpu> allows " + vcpus.get() + "; make them agree, for example"
                        + " <vcpu>" + topologyCpus + "</vcpu> or cores='" + coresFor(vcpus.get(), sockets.get() * dies
                        * clusters, threads.get()) + "'")
                .data("topologyVcpus", topologyCpus)
                .data("vcpus", vcpus.get())
                .build());
    }

    /** The cores per socket that would give {@code vcpus}, or "?" when the other factors do not divide it. */
    private static String coresFor(long vcpus, long socketsDiesClusters, long threads) {
        long per = socketsDiesClusters * threads;
        return per > 0 && vcpus % per == 0 ? Long.toString(vcpus / per) : "?";
    }
}
