package dev.virtlint.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.virtlint.host.HostFacts;
import dev.virtlint.host.HostFactsReport;
import dev.virtlint.host.HostRootReader;
import dev.virtlint.host.HostSnapshot;
import dev.virtlint.host.HostWarning;
import dev.virtlint.host.LibvirtConnection;
import dev.virtlint.host.LibvirtSnapshot;
import dev.virtlint.host.RemoteCapture;
import dev.virtlint.host.StackDetector;
import dev.virtlint.host.DetectedStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "host-facts", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Show what virt-lint sees of a host: CPU vendor and physical address bits, IOMMU units, groups and"
                    + " reserved regions, the IOMMU's boot parameters and whether interrupts are remapped, PCI"
                    + " devices with their BARs, battery, KVM paging, who QEMU runs as and whether AppArmor confines"
                    + " it, the ROM files the host's domains name (from /etc/libvirt/qemu and /usr/share/vgabios),"
                    + " QEMU firmware descriptors and the QEMU/libvirt/OVMF versions. Files that are missing make a"
                    + " fact unknown; files that cannot be used are listed as warnings.",
            "With --snapshot, copy exactly those files into a directory instead, so the host can be captured"
                    + " once and linted against later with --host-root. Of the kernel command line, qemu.conf, passwd,"
                    + " group and /proc/interrupts only what virt-lint reads is kept; of ROM files only their facts.",
            "With --connect and --snapshot, capture a host through libvirt instead (qemu+ssh://HOST/system), so a"
                    + " fleet can be captured from one machine: CPU vendor and physical address bits, PCI devices"
                    + " with their IOMMU groups, and the QEMU/libvirt versions. What libvirt does not report (BARs,"
                    + " IOMMU width and reserved regions, interrupt remapping, QEMU's user, ROM files, battery, KVM"
                    + " parameters, firmware descriptors) stays unknown, and --host-root says why."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  virt-lint host-facts                          this host",
            "  virt-lint host-facts --format json            the same, machine-readable",
            "  virt-lint host-facts --snapshot myhost/       capture this host into myhost/",
            "  virt-lint host-facts --host-root myhost/      what the capture says",
            "  virt-lint host-facts --connect qemu+ssh://hv02/system --snapshot hosts/hv02/",
            "                                                capture hv02 through libvirt",
            "",
            "Exit status: 0 done (warnings included); 2 usage error, the connection failed, or the snapshot could"
                    + " not be written."
        })
public final class HostFactsCommand implements Callable<Integer> {
    /** Output formats of this command. */
    enum Format { text, json }

    @Spec
    private CommandSpec spec;

    @Option(names = "--host-root", paramLabel = "DIR", defaultValue = "/",
            description = "Read the host from this directory laid out like / (default: ${DEFAULT-VALUE}, the live"
                    + " host; a directory written by --snapshot).")
    private String hostRoot;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    private Format format;

    @Option(names = "--snapshot", paramLabel = "OUT_DIR",
            description = "Copy the host files virt-lint reads into OUT_DIR (same relative paths, links turned into"
                    + " plain files) and record the QEMU/libvirt/OVMF versions there. Runs unprivileged and"
                    + " writes nothing outside OUT_DIR.")
    private String snapshot;

    @Option(names = "--connect", paramLabel = "URI",
            description = "With --snapshot: capture the host of this libvirt connection (e.g. qemu+ssh://HOST/system)"
                    + " instead of a host root; facts libvirt does not report are recorded as missing, and why.")
    private String connect;

    @Option(names = "--force",
            description = "Write the snapshot into an OUT_DIR that is not empty: an earlier capture there is replaced"
                    + " (files it listed in virt-lint-snapshot.files that this one does not write are deleted);"
                    + " other files are left alone.")
    private boolean force;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path root;
        Path outDir = null;
        try {
            root = Path.of(hostRoot);
            if (snapshot != null) {
                outDir = Path.of(snapshot);
            }
        } catch (InvalidPathException e) {
            err.println("virt-lint host-facts: invalid path: " + e.getMessage());
            return ExitCodes.USAGE_OR_INPUT;
        }
        if (!Files.isDirectory(root)) {
            err.println("virt-lint host-facts: --host-root " + hostRoot + " is not a directory");
            return ExitCodes.USAGE_OR_INPUT;
        }
        if (force && outDir == null) {
            err.println("virt-lint host-facts: --force only applies to --snapshot");
            return ExitCodes.USAGE_OR_INPUT;
        }
        if (connect != null) {
            if (outDir == null) {
                err.println("virt-lint host-facts: --connect captures a host; add --snapshot OUT_DIR, then read it"
                        + " with --host-root OUT_DIR");
                return ExitCodes.USAGE_OR_INPUT;
            }
            if (spec.commandLine().getParseResult().hasMatchedOption("--host-root")) {
                err.println("virt-lint host-facts: --connect and --host-root are two sources; give one");
                return ExitCodes.USAGE_OR_INPUT;
            }
            return remoteSnapshot(outDir, out, err);
        }
        HostFacts facts = HostRootReader.read(root);
        DetectedStack stack = new StackDetector().detect(root, facts);
        if (outDir != null) {
            return snapshot(root, outDir, stack, out, err);
        }
        switch (format) {
            case text -> HostFactsReport.text(out, hostRoot, facts, stack);
            case json -> HostFactsReport.json(out, hostRoot, facts, stack);
        }
        return ExitCodes.CLEAN;
    }

    /** Everything is asked before anything is written, so a connection that fails leaves no half capture. */
    private int remoteSnapshot(Path outDir, PrintWriter out, PrintWriter err) {
        HostSnapshot.Result result;
        try {
            LibvirtSnapshot.Answers answers;
            try (LibvirtConnection connection = LibvirtConnection.open(connect)) {
                answers = LibvirtSnapshot.ask(connection, connect);
            }
            result = LibvirtSnapshot.write(answers, outDir, force);
        } catch (LibvirtConnection.LibvirtConnectionException | HostSnapshot.SnapshotException e) {
            err.println("virt-lint host-facts: " + e.getMessage());
            return ExitCodes.USAGE_OR_INPUT;
        }
        for (HostWarning warning : result.warnings()) {
            err.println("virt-lint host-facts: warning: " + warning + " (recorded as missing)");
        }
        out.println("Captured " + result.filesWritten() + " files from " + connect + " into " + result.outDir()
                + replaced(result) + "; what libvirt does not report is listed in " + RemoteCapture.FILE);
        out.flush();
        return ExitCodes.CLEAN;
    }

    private int snapshot(Path root, Path outDir, DetectedStack stack, PrintWriter out, PrintWriter err) {
        HostSnapshot.Result result;
        try {
            result = HostSnapshot.capture(root, outDir, force, stack);
        } catch (HostSnapshot.SnapshotException e) {
            err.println("virt-lint host-facts: " + e.getMessage());
            return ExitCodes.USAGE_OR_INPUT;
        }
        for (HostWarning warning : result.warnings()) {
            err.println("virt-lint host-facts: warning: " + warning + " (left out of the snapshot)");
        }
        out.println("Captured " + result.filesWritten() + " files from " + hostRoot + " into " + result.outDir()
                + replaced(result));
        out.flush();
        return ExitCodes.CLEAN;
    }

    private static String replaced(HostSnapshot.Result result) {
        return result.earlierFilesDeleted() == 0 ? ""
                : " (deleted " + result.earlierFilesDeleted() + " files of the earlier capture that this host no longer has)";
    }
}
