package dev.virtlint.rules.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.virtlint.domain.Hostdev;
import dev.virtlint.host.DriverBinding;
import dev.virtlint.host.HostFacts;
import dev.virtlint.host.PciDevice;
import dev.virtlint.rules.Family;
import dev.virtlint.rules.Finding;
import dev.virtlint.rules.LintContext;
import dev.virtlint.rules.NotChecked;
import dev.virtlint.rules.Rule;
import dev.virtlint.rules.RuleInfo;
import dev.virtlint.rules.Severity;

/**
 * A passed-through PCI device libvirt cannot hand over as the domain asks. An unmanaged one (managed='no', libvirt's
 * default) must already sit on a stub driver: virHostdevPreparePCIDevicesImpl (src/hypervisor/virhostdev.c, libvirt
 * 11.3) refuses any other, unbound included. A managed one that is the host's boot GPU still carries the host's
 * console: detaching it takes the console away, and a firmware framebuffer left on its memory keeps vfio-pci from
 * claiming the BAR.
 */
@RuleInfo(id = "VL603", name = "device-not-bindable", severity = Severity.ERROR, family = Family.HOST,
        summary = "An unmanaged passed-through device is not on vfio-pci (libvirt refuses to start), or the device is"
                + " the host's boot GPU with its console still on it")
public final class DeviceNotBindable implements Rule {
    /**
     * The stub drivers libvirt recognises by name (virPCIStubDriver: "pciback" for Xen, "vfio-pci"). It also takes
     * a vfio-pci variant driver, which it recognises by the device's {@code vfio-dev} directory; captures do not keep
     * that directory, so the variants are recognised by name: every variant in Linux is named {@code *vfio_pci} or
     * {@code *-vfio-pci} (mlx5_vfio_pci, hisi_acc_vfio_pci, nvgrace_gpu_vfio_pci, …).
     */
    private static final Set<String> STUB_DRIVERS = Set.of(DriverBinding.VFIO_PCI, "pciback");
    /**
     * The ids firmware-provided framebuffers register in {@code /proc/fb}: efifb, vesafb, simplefb, and simpledrm's
     * emulated fbdev. They sit on the boot GPU's memory whatever driver is bound to it.
     */
    private static final Set<String> FIRMWARE_FRAMEBUFFERS = Set.of("EFI VGA", "VESA VGA", "simple", "simpledrmdrmfb");
    /** A DRM driver's fbdev emulation registers as the driver's name followed by this (amdgpudrmfb, i915drmfb). */
    private static final String DRM_FRAMEBUFFER_SUFFIX = "drmfb";
    private static final String MISSING_BINDING = "the drivers bound to the host's PCI devices";
    private static final String MISSING_FRAMEBUFFERS = "the kernel's framebuffers";

    @Override
    public List<Finding> check(LintContext context) {
        Optional<PassedThrough> passedThrough = PassedThrough.of(context, this);
        if (passedThrough.isEmpty()) {
            return List.of();
        }
        List<Hostdev> hostdevs = passedThrough.get().hostdevs();
        HostFacts facts = passedThrough.get().facts();
        List<Finding> findings = new ArrayList<>();
        for (Hostdev hostdev : hostdevs) {
            // A device the host lacks is VL601's.
            Optional<PciDevice> device = facts.pciDevice(hostdev.source().get());
            if (device.isEmpty()) {
                continue;
            }
            // libvirt refuses a bridge before it looks at drivers, with another message ("Non-endpoint PCI devices
            // cannot be assigned to guests"), whatever managed says.
            if (device.get().isBridge()) {
                continue;
            }
            Optional<DriverBinding> binding = device.get().driverBinding();
            if (binding.isEmpty()) {
                context.couldNotCheck(this, MISSING_BINDING, NotChecked.HOST_PCI_DEVICES + "/*/driver_override");
                continue;
            }
            if (!isManaged(hostdev) && !isStub(binding.get())) {
                findings.add(unmanagedNotDetached(context, hostdev, device.get(), binding.get()));
            } else if (device.get().bootVga().orElse(false)) {
                consoleOnDevice(context, hostdev, device.get(), binding.get(), facts).ifPresent(findings::add);
            }
        }
        return findings;
    }

    /** libvirt reads a missing {@code managed} as no (virDomainHostdevDefParseXMLSubsys). */
    private static boolean isManaged(Hostdev hostdev) {
        return hostdev.managed().map("yes"::equals).orElse(false);
    }

    private static boolean isStub(DriverBinding binding) {
        return binding.driver().filter(name -> STUB_DRIVERS.contains(name)
                || name.endsWith("vfio_pci") || name.endsWith("vfio-pci")).isPresent();
    }

    private Finding unmanagedNotDetached(LintContext context, Hostdev hostdev, PciDevice device,
                                         DriverBinding binding) {
        String bdf = device.address().bdf();
        String managed = hostdev.managed().map(value -> "managed='" + value + "'")
                .orElse("no managed attribute (libvirt's default is managed='no')");
        String nodedev = "pci_" + bdf.replace(':', '_').replace('.', '_');
        String message = bdf + " has " + managed + " and is " + binding.describe() + ", not vfio-pci, so libvirt"
                + " refuses to start the guest: 'Unmanaged PCI device " + bdf + " must be manually detached from the"
                + " host'. Detach it first (virsh nodedev-detach " + nodedev + " binds it to vfio-pci), bind it to"
                + " vfio-pci at boot (vfio-pci.ids=), or set managed='yes' so libvirt detaches it at every start.";
        return context.finding(this, hostdev.element(), message)
                .data("hostDevice", bdf)
                .data("hostDriver", binding.driver().orElse(""))
                .build();
    }

    /**
     * The boot GPU: a firmware framebuffer on it holds part of a BAR whatever is bound; the vendor's DRM driver, when
     * its framebuffer is the host's console, loses the console when libvirt unbinds it.
     */
    private Optional<Finding> consoleOnDevice(LintContext context, Hostdev hostdev, PciDevice device,
                                              DriverBinding binding, HostFacts facts) {
        if (facts.framebuffers().isEmpty()) {
            context.couldNotCheck(this, MISSING_FRAMEBUFFERS, "proc/fb");
            return Optional.empty();
        }
        List<String> framebuffers = facts.framebuffers().get();
        Optional<String> firmwareFramebuffer = framebuffers.stream().filter(FIRMWARE_FRAMEBUFFERS::contains)
                .findFirst();
        Optional<String> driverFramebuffer = binding.driver().filter(name -> !isStub(binding))
                .map(name -> name + DRM_FRAMEBUFFER_SUFFIX).filter(framebuffers::contains);
        String bdf = device.address().bdf();
        String message;
        if (firmwareFramebuffer.isPresent()) {
            message = bdf + " is the host's boot GPU and the firmware's framebuffer is still on it (/proc/fb: '"
                    + firmwareFramebuffer.get() + "'): it keeps part of the card's memory BAR, so when QEMU maps the"
                    + " BAR the kernel says 'vfio-pci " + bdf + ": BAR N: can't reserve [mem …]' and the guest's"
                    + " driver gets a card it cannot use (users report a black screen or Code 43). Release the"
                    + " framebuffer before the guest starts: boot with video=efifb:off (efifb, vesafb) or"
                    + " initcall_blacklist=sysfb_init (simpledrm, simplefb), or make another GPU the boot GPU in"
                    + " the firmware.";
        } else if (driverFramebuffer.isPresent()) {
            message = bdf + " is the host's boot GPU and " + binding.driver().get() + " runs the host's console on"
                    + " it (/proc/fb: '" + driverFramebuffer.get() + "'): with managed='yes' libvirt unbinds "
                    + binding.driver().get() + " when the guest starts, so the host loses its console, and a driver"
                    + " unbound while its console is open may leave the card in a state the guest cannot bring up."
                    + " Move the host's console to another GPU (the firmware's primary display setting), or stop"
                    + " the display manager and unbind the console (echo 0 > /sys/class/vtconsole/vtcon1/bind)"
                    + " before the guest starts.";
        } else {
            return Optional.empty();
        }
        return Optional.of(context.finding(this, hostdev.element(), message)
                .severity(Severity.WARNING)
                .data("hostDevice", bdf)
                .data("hostDriver", binding.driver().orElse(""))
                .data("framebuffer", firmwareFramebuffer.or(() -> driverFramebuffer).get())
                .build());
    }
}
