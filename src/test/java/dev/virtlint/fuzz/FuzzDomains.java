package dev.virtlint.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;

/**
 * Builds domain XML from fuzzed choices: well-formed enough to reach the model, the layout, the rules and
 * the fixer, with values drawn from both the plausible and the absurd (units, sizes near 2^64, unknown
 * machine types, phys-bits outside 32..52, undeclared qemu prefixes, CRLF and tab indentation).
 */
final class FuzzDomains {
    private static final String[] UNITS = {"KiB", "MiB", "GiB", "TiB", "GB", "b", "bytes", "E", "", "GiBs"};
    private static final String[] MACHINES = {"pc-q35-7.0", "pc-q35-7.1", "pc-q35-10.0", "q35", "pc", "pc-i440fx-2.4",
        "pc-q35-rhel9.2.0", "pc-q35-noble", "pc-q35-11.1", "pc-q35-12.1", "microvm", "isapc", ""};
    private static final String[] CPU_MODES = {"custom", "host-passthrough", "host-model", "maximum"};
    private static final String[] MODELS = {"EPYC", "Skylake-Client", "qemu64", "qemu32", "max", "no-such-cpu"};

    private FuzzDomains() {
    }

    static String domain(FuzzedDataProvider data) {
        String newline = data.consumeBoolean() ? "\n" : "\r\n";
        String indent = data.consumeBoolean() ? "  " : "\t";
        char quote = data.consumeBoolean() ? '\'' : '"';
        StringBuilder xml = new StringBuilder();
        xml.append("<domain type=").append(q(quote, data.consumeBoolean() ? "kvm" : "qemu"));
        boolean declared = data.consumeBoolean();
        if (declared) {
            xml.append(" xmlns:qemu=").append(q(quote, "http://libvirt.org/schemas/domain/qemu/1.0"));
        }
        xml.append('>').append(newline);
        line(xml, indent, newline, "<name>fuzz</name>");
        String unit = data.pickValue(UNITS);
        long memory = data.consumeBoolean() ? data.consumeLong(1, 1L << 32) : data.consumeLong();
        if (data.consumeBoolean()) {
            line(xml, indent, newline, "<maxMemory slots=" + q(quote, String.valueOf(data.consumeInt(-1, 300)))
                    + " unit=" + q(quote, unit) + ">" + Long.toUnsignedString(data.consumeLong()) + "</maxMemory>");
        }
        line(xml, indent, newline, "<memory unit=" + q(quote, unit) + ">" + Long.toUnsignedString(memory)
                + "</memory>");
        line(xml, indent, newline, "<os><type arch=" + q(quote, "x86_64") + " machine="
                + q(quote, data.pickValue(MACHINES)) + ">hvm</type></os>");
        if (data.consumeBoolean()) {
            StringBuilder cpu = new StringBuilder("<cpu mode=" + q(quote, data.pickValue(CPU_MODES)) + ">");
            if (data.consumeBoolean()) {
                cpu.append("<model>").append(data.pickValue(MODELS)).append("</model>");
            }
            if (data.consumeBoolean()) {
                cpu.append("<maxphysaddr mode=").append(q(quote, data.consumeBoolean() ? "emulate" : "passthrough"))
                        .append(" bits=").append(q(quote, String.valueOf(data.consumeInt(0, 70)))).append("/>");
            }
            if (data.consumeBoolean()) {
                cpu.append("<numa><cell id=").append(q(quote, "0")).append(" cpus=").append(q(quote, "0"))
                        .append(" memory=").append(q(quote, Long.toUnsignedString(memory))).append(" unit=")
                        .append(q(quote, unit)).append("/></numa>");
            }
            line(xml, indent, newline, cpu.append("</cpu>").toString());
        }
        line(xml, indent, newline, "<devices>");
        if (data.consumeBoolean()) {
            line(xml, indent + indent, newline, "<controller type=" + q(quote, "pci") + " index=" + q(quote, "0")
                    + " model=" + q(quote, "pcie-root") + "><pcihole64 unit=" + q(quote, data.pickValue(UNITS)) + ">"
                    + data.consumeInt(0, Integer.MAX_VALUE) + "</pcihole64></controller>");
        }
        for (int i = data.consumeInt(0, 3); i > 0; i--) {
            line(xml, indent + indent, newline, "<hostdev mode=" + q(quote, "subsystem") + " type=" + q(quote, "pci")
                    + "><source><address domain=" + q(quote, "0x0000") + " bus=" + q(quote,
                    "0x" + Integer.toHexString(data.consumeInt(0, 0x1ff))) + " slot=" + q(quote, "0x00")
                    + " function=" + q(quote, String.valueOf(data.consumeInt(0, 9))) + "/></source></hostdev>");
        }
        line(xml, indent, newline, "</devices>");
        if (data.consumeBoolean()) {
            line(xml, indent, newline, "<qemu:commandline><qemu:arg value=" + q(quote, "-fw_cfg") + "/><qemu:arg value="
                    + q(quote, data.consumeString(40).replace("&", "&amp;").replace("<", "&lt;")
                            .replace(String.valueOf(quote), quote == '\'' ? "&apos;" : "&quot;"))
                    + "/></qemu:commandline>");
        }
        xml.append("</domain>").append(newline);
        return xml.toString();
    }

    private static String q(char quote, String value) {
        return quote + value + quote;
    }

    private static void line(StringBuilder xml, String indent, String newline, String text) {
        xml.append(indent).append(text).append(newline);
    }
}
