package dev.virtlint.host;

import java.util.Optional;

/**
 * Who a guest's QEMU runs as on the host and what confines it besides file permissions: what decides whether QEMU
 * can open a file libvirt hands it without relabelling, such as a {@code <rom file>}.
 *
 * @param identity the user and groups; absent when qemu.conf, the user's passwd entry or its groups are unknown
 * @param appArmor AppArmor's state and libvirt's QEMU policy; absent when {@code sys/module} was not captured
 */
public record QemuProcess(Optional<QemuIdentity> identity, Optional<AppArmorPolicy> appArmor) {
    public static final QemuProcess UNKNOWN = new QemuProcess(Optional.empty(), Optional.empty());
}
