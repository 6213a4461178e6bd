package dev.virtlint.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.domain.DomainBuilder;
import dev.virtlint.domain.DomainDef;
import dev.virtlint.lint.HostRange;
import dev.virtlint.lint.LintEnvironment;
import dev.virtlint.lint.Linter;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.RuleRegistry;
import dev.virtlint.rules.Severity;
import dev.virtlint.support.OracleStacks;
import dev.virtlint.xml.SafeXmlLoader;

/**
 * A verdict without host facts is proven per host, not asserted. For KVM domains whose address map depends on the
 * host, every host of virt-lint's range (vendor, physical address bits) is started in the real QEMU under TCG, with
 * the vCPU KVM would give it there (a model of the host's vendor, the phys-bits virt-lint resolved for that host),
 * and the single-host VL101 verdict must match QEMU's answer; then the merged verdict must be an error exactly when
 * QEMU refuses on every host, a warning or information when on some, and absent when on none.
 */
@Tag("oracle")
class HostRangeOracleTest {
    private static final String EPYC_1_TIB = """
            <domain type='kvm'>
              <name>epyc-1t</name>
              <maxMemory slots='4' unit='GiB'>1024</maxMemory>
              <memory unit='GiB'>16</memory>
              <os><type arch='x86_64' machine='pc-q35-7.1'>hvm</type></os>
              <cpu mode='custom' match='exact'><model fallback='forbid'>EPYC</model>
                <numa><cell id='0' cpus='0' memory='16' unit='GiB'/></numa></cpu>
            </domain>
            """;
    private static final String PASSTHROUGH_600_GIB = """
            <domain type='kvm'>
              <name>big</name>
              <memory unit='GiB'>600</memory>
              <os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>
              <cpu mode='host-passthrough'/>
            </domain>
            """;
    private static final String PASSTHROUGH_HOTPLUG = """
            <domain type='kvm'>
              <name>hotplug</name>
              <maxMemory slots='2' unit='GiB'>1024</maxMemory>
              <memory unit='GiB'>32</memory>
              <os><type arch='x86_64' machine='pc-q35-10.0'>hvm</type></os>
              <cpu mode='host-passthrough'><numa><cell id='0' cpus='0' memory='32' unit='GiB'/></numa></cpu>
            </domain>
            """;
    private static final String SMALL = """
            <domain type='kvm'>
              <name>small</name>
              <memory unit='GiB'>8</memory>
              <os><type arch='x86_64' machine='pc-i440fx-8.2'>hvm</type></os>
              <cpu mode='host-passthrough'/>
            </domain>
            """;

    @TempDir
    Path scratch;

    @ParameterizedTest
    @ValueSource(strings = {EPYC_1_TIB, PASSTHROUGH_600_GIB, PASSTHROUGH_HOTPLUG, SMALL})
    void theMergedVerdictIsWhatQemuDoesOnEachHost(String xml) throws Exception {
        OracleStacks.Qemu qemu = OracleStacks.assumeQemu(OracleStacks.QEMU_10_0);
        DomainDef domain = DomainBuilder.build(new SafeXmlLoader().load("d.xml", xml.getBytes(StandardCharsets.UTF_8)));
        TargetStack stack = TargetStack.defaults();
        HostRange.Dimensions dimensions = HostRange.dimensions(domain, stack, HostCpu.unknown());
        assertTrue(dimensions.any(), "the domain depends on the host, or it proves nothing here");
        List<String> disagreements = new ArrayList<>();
        int refused = 0;
        List<HostCpu> hosts = HostRange.hosts(dimensions, HostCpu.unknown());
        for (HostCpu host : hosts) {
            Platform platform = PlatformResolver.resolve(domain, stack, host);
            boolean predictedRefusal = vl101(domain, new LintEnvironment(stack, host, Optional.empty())).isPresent();
            OracleCase standIn = standIn(platform, host);
            QemuProbe.Observation observed = QemuProbe.run(qemu, standIn, scratch);
            boolean qemuRefused = observed.exitCode() != 0;
            if (qemuRefused) {
                refused++;
            }
            if (predictedRefusal != qemuRefused) {
                disagreements.add(host + " as " + standIn + ": predicted " + (predictedRefusal ? "a refusal" : "a start")
                        + ", QEMU " + (qemuRefused ? "refused: " + observed.stderrLines() : "started"));
            }
        }
        assertEquals(List.of(), disagreements);

        Optional<Finding> merged = vl101(domain, LintEnvironment.defaults());
        if (refused == hosts.size()) {
            assertEquals(Optional.of(Severity.ERROR), merged.map(Finding::severity), "QEMU refuses on every host");
        } else if (refused > 0) {
            assertTrue(merged.isPresent() && merged.get().severity() != Severity.ERROR
                    && merged.get().data().containsKey("failsOn"), "QEMU refuses on " + refused + " of " + hosts.size()
                    + " hosts: " + merged);
        } else {
            assertEquals(Optional.empty(), merged, "QEMU starts on every host");
        }
    }

    private static Optional<Finding> vl101(DomainDef domain, LintEnvironment environment) {
        return new Linter(new SafeXmlLoader(), RuleRegistry.all(), environment).check(domain).stream()
                .filter(f -> f.rule().id().equals("VL101")).findFirst();
    }

    /** TCG has no host CPU: a model of the host's vendor with the phys-bits KVM would give the vCPU there. */
    private static OracleCase standIn(Platform platform, HostCpu host) {
        LayoutInput input = platform.layoutInput().orElseThrow(() -> new AssertionError("no layout on " + host));
        OracleCase.CpuModel model = input.cpuVendorAmd() ? OracleCase.CpuModel.EPYC : OracleCase.CpuModel.SKYLAKE_CLIENT;
        return new OracleCase(host.toString(), platform.machineName(), model, input.physBits(), input.ramBytes(),
                input.maxMemBytes(), input.slots(), input.pciHole64Bytes().isPresent()
                        ? input.pciHole64Bytes().getAsLong() : null, 0, OracleStacks.QEMU_10_0);
    }
}
