package dev.virtlint.domain;

import java.util.List;

import dev.virtlint.xml.XmlElement;

/**
 * A {@code commandline} or {@code override} child of {@code <domain>} that looks like libvirt's QEMU
 * namespace block, whatever namespace it is actually in. libvirt only honours it when it is bound to
 * {@link DomainDef#QEMU_NAMESPACE}; otherwise it is silently dropped at define time.
 */
public record QemuBlock(XmlElement element, Kind kind, Binding binding, List<QemuArg> args, List<QemuEnv> env,
                        List<QemuDeviceOverride> devices) {

    public enum Kind { COMMANDLINE, OVERRIDE }

    public enum Binding {
        /** In libvirt's QEMU namespace: honoured. */
        BOUND,
        /** A prefix that the document never declares. */
        UNDECLARED_PREFIX,
        /** Declared, but bound to some other URI. */
        OTHER_NAMESPACE,
        /** No prefix and no namespace: a plain {@code <commandline>}. */
        NO_NAMESPACE
    }

    public boolean isHonoured() {
        return binding == Binding.BOUND;
    }
}
