package dev.virtlint.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.virtlint.domain.PciAddress;

class HostFormatsTest {
    /** An extended feature register value an EPYC kernel log printed; HATS = 2. */
    private static final long EFR = 0xa5bf732fa2295afeL;

    private final List<HostWarning> warnings = new ArrayList<>();

    private void assertOneWarning(String path, String fragment) {
        assertEquals(1, warnings.size(), () -> "warnings: " + warnings);
        assertEquals(path, warnings.get(0).path());
        assertTrue(warnings.get(0).message().contains(fragment), () -> "message: " + warnings.get(0).message());
    }

    // ---- /proc/cpuinfo

    @Test
    void cpuinfoTakesVendorBitsAndFlagsFromTheFirstBlock() {
        String text = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7313P 16-Core Processor\n"
                + "flags\t\t: fpu pdpe1gb svm npt\naddress sizes\t: 48 bits physical, 48 bits virtual\n"
                + "power management: ts ttp\n\nprocessor\t: 1\nvendor_id\t: AuthenticAMD\n"
                + "address sizes\t: 43 bits physical, 48 bits virtual\n\n";
        CpuInfo cpu = HostFormats.cpuInfo(text, "proc/cpuinfo", warnings).orElseThrow();
        assertEquals(Optional.of("AuthenticAMD"), cpu.vendorId());
        assertEquals(Optional.of(CpuVendor.AMD), cpu.vendor());
        assertEquals(Optional.of("AMD EPYC 7313P 16-Core Processor"), cpu.modelName());
        assertEquals(Optional.of(48), cpu.physBits());
        assertEquals(Optional.of(48), cpu.virtBits());
        assertEquals(Optional.of(true), cpu.gigabytePages());
        assertEquals(Optional.of(true), cpu.hardwareVirtualization());
        assertEquals(Optional.of(true), cpu.hasFlag("npt"));
        assertEquals(Optional.of(false), cpu.hasFlag("vmx"));
        assertTrue(warnings.isEmpty());
    }

    @Test
    void hygonIsNotAmdForQemusHoleRule() {
        CpuInfo cpu = HostFormats.cpuInfo("vendor_id\t: HygonGenuine\n", "proc/cpuinfo", warnings).orElseThrow();
        assertEquals(Optional.of(CpuVendor.OTHER), cpu.vendor());
        assertEquals(CpuVendor.INTEL, CpuVendor.fromVendorId("GenuineIntel"));
    }

    @Test
    void cpuinfoWithoutX86FieldsHasNoVendorAndNoWarning() {
        CpuInfo cpu = HostFormats.cpuInfo("processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\n",
                "proc/cpuinfo", warnings).orElseThrow();
        assertEquals(Optional.empty(), cpu.vendor());
        assertEquals(Optional.empty(), cpu.physBits());
        assertTrue(warnings.isEmpty());
    }

    @Test
    void malformedAddressSizesIsAWarningAndTheRestStays() {
        CpuInfo cpu = HostFormats.cpuInfo("vendor_id\t: GenuineIntel\naddress sizes\t: 39 bits, 48 bits\n",
                "proc/cpuinfo", warnings).orElseThrow();
        assertEquals(Optional.of(CpuVendor.INTEL), cpu.vendor());
        assertEquals(Optional.empty(), cpu.physBits());
        assertOneWarning("proc/cpuinfo", "'address sizes' is '39 bits, 48 bits'");
    }

    @Test
    void aCaptureThroughLibvirtHasPhysicalBitsOnlyAndNoFlags() {
        CpuInfo cpu = HostFormats.cpuInfo("vendor_id\t: AuthenticAMD\naddress sizes\t: 48 bits physical\n",
                "proc/cpuinfo", warnings).orElseThrow();
        assertEquals(Optional.of(48), cpu.physBits());
        assertEquals(Optional.empty(), cpu.virtBits());
        assertEquals(Optional.empty(), cpu.flags());
        assertEquals(Optional.empty(), cpu.gigabytePages());
        assertEquals(Optional.empty(), cpu.hardwareVirtualization());
        assertTrue(warnings.isEmpty());
    }

    @Test
    void outOfRangeBitsAreRejected() {
        HostFormats.cpuInfo("address sizes\t: 99 bits physical, 48 bits virtual\n", "proc/cpuinfo", warnings);
        assertOneWarning("proc/cpuinfo", "N from 1 to 64");
    }

    @Test
    void textThatIsNotCpuinfoIsAWarning() {
        assertEquals(Optional.empty(), HostFormats.cpuInfo("\u0000\u0001garbage\n", "proc/cpuinfo", warnings));
        assertOneWarning("proc/cpuinfo", "not in /proc/cpuinfo format");
    }

    // ---- resource

    @Test
    void resourceDecodesSizesAndFlagsAndSkipsUnusedSlots() {
        String text = "0x00000000b4000000 0x00000000b4ffffff 0x0000000000040200\n"
                + "0x0000004000000000 0x0000004fffffffff 0x000000000014220c\n"
                + "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
                + "0x0000004010000000 0x0000004011ffffff 0x000000000014220c\n"
                + "0x0000000000000000 0x0000000000000000 0x0000000000000000\n"
                + "0x000000000000e000 0x000000000000e07f 0x0000000000040101\n"
                + "0x00000000b5000000 0x00000000b507ffff 0x0000000000046200\n";
        List<PciResource> resources = HostFormats.resources(text, "r", warnings).orElseThrow();
        assertTrue(warnings.isEmpty());
        assertEquals(List.of(0, 1, 3, 5, 6), resources.stream().map(PciResource::index).toList());
        PciResource bar0 = resources.get(0);
        assertEquals(16L << 20, bar0.size());
        assertFalse(bar0.is64Bit());
        assertFalse(bar0.prefetchable());
        assertTrue(bar0.isMemory());
        PciResource bar1 = resources.get(1);
        assertEquals(0x4000000000L, bar1.start());
        assertEquals(64L << 30, bar1.size());
        assertTrue(bar1.is64Bit());
        assertTrue(bar1.prefetchable());
        assertTrue(bar1.isBar());
        PciResource io = resources.get(3);
        assertTrue(io.isIo());
        assertFalse(io.isMemory());
        assertEquals(128, io.size());
        assertTrue(resources.get(4).isRom());
        assertFalse(resources.get(4).isBar());
    }

    @Test
    void sixtyFourBitNonPrefetchableFlags() {
        PciResource bar = HostFormats.resources("0x0000004000000000 0x000000400007ffff 0x0000000000140204\n", "r",
                warnings).orElseThrow().get(0);
        assertTrue(bar.is64Bit());
        assertFalse(bar.prefetchable());
        assertEquals(512 << 10, bar.size());
    }

    @Test
    void aMalformedResourceLineMakesTheWholeFileUnusable() {
        String text = "0x00000000b4000000 0x00000000b4ffffff 0x0000000000040200\n0xzz 0x1 0x2\n";
        assertEquals(Optional.empty(), HostFormats.resources(text, "sys/x/resource", warnings));
        assertOneWarning("sys/x/resource", "line 2: expected three hexadecimal numbers");
    }

    @Test
    void resourceWithEndBelowStartIsAWarning() {
        assertEquals(Optional.empty(), HostFormats.resources(
                "0x0000000000002000 0x0000000000001000 0x0000000000040200\n", "r", warnings));
        assertOneWarning("r", "is below start");
    }

    @Test
    void emptyResourceFileHasNoResources() {
        assertEquals(Optional.of(List.of()), HostFormats.resources("", "r", warnings));
        assertTrue(warnings.isEmpty());
    }

    // ---- reserved_regions

    @Test
    void reservedRegionsParseAndCoverTheHtHole() {
        String text = "0x00000000fee00000 0x00000000feefffff msi\n0x000000fd00000000 0x000000ffffffffff reserved\n";
        List<ReservedRegion> regions = HostFormats.reservedRegions(text, "g", warnings).orElseThrow();
        assertEquals(List.of(new ReservedRegion(0xfee00000L, 0xfeefffffL, "msi"),
                new ReservedRegion(0xfd00000000L, 0xffffffffffL, "reserved")), regions);
        assertTrue(regions.get(1).covers(HostFacts.AMD_HT_HOLE_START, HostFacts.AMD_HT_HOLE_END));
        assertFalse(regions.get(0).covers(HostFacts.AMD_HT_HOLE_START, HostFacts.AMD_HT_HOLE_END));
        assertTrue(warnings.isEmpty());
    }

    @Test
    void malformedReservedRegionsIsAWarning() {
        assertEquals(Optional.empty(), HostFormats.reservedRegions("0xfee00000 msi\n", "g/reserved_regions", warnings));
        assertOneWarning("g/reserved_regions", "line 1: expected 'start end type'");
    }

    // ---- small files

    @Test
    void hexIdsAndClassCodes() {
        assertEquals(Optional.of(0x10de), HostFormats.hexId("0x10de\n", "v", 0xffff, warnings));
        assertEquals(Optional.of(0x030200), HostFormats.hexId("0x030200\n", "c", 0xffffff, warnings));
        assertTrue(warnings.isEmpty());
        assertEquals(Optional.empty(), HostFormats.hexId("0x1234567\n", "v", 0xffff, warnings));
        assertOneWarning("v", "expected a hexadecimal number up to 0xffff, got '0x1234567'");
    }

    @Test
    void groupNumbers() {
        assertEquals(Optional.of(12), HostFormats.groupNumber("12\n", "g", warnings));
        assertEquals(Optional.empty(), HostFormats.groupNumber("twelve", "g", warnings));
        assertOneWarning("g", "expected an IOMMU group number, got 'twelve'");
    }

    @Test
    void registersAreHexWithoutPrefix() {
        assertEquals(Optional.of(0xd2008c40660462L), HostFormats.register("d2008c40660462\n", "cap", warnings));
        assertEquals(Optional.of(0xffffffffffffffffL), HostFormats.register("ffffffffffffffff", "cap", warnings));
        assertTrue(warnings.isEmpty());
        assertEquals(Optional.empty(), HostFormats.register("not hex", "cap", warnings));
        assertOneWarning("cap", "expected a hexadecimal register value");
    }

    @Test
    void moduleFlags() {
        assertEquals(Optional.of(true), HostFormats.moduleFlag("Y\n", "p", warnings));
        assertEquals(Optional.of(true), HostFormats.moduleFlag("1\n", "p", warnings));
        assertEquals(Optional.of(false), HostFormats.moduleFlag("N\n", "p", warnings));
        assertTrue(warnings.isEmpty());
        assertEquals(Optional.empty(), HostFormats.moduleFlag("maybe", "p", warnings));
        assertOneWarning("p", "expected Y, N, 1 or 0");
    }

    @Test
    void bdfNames() {
        assertEquals(Optional.of(new PciAddress(0, 1, 0, 1)), HostFormats.bdf("0000:01:00.1"));
        assertEquals(Optional.of(new PciAddress(0x10000, 0xe0, 0x1f, 7)), HostFormats.bdf("10000:e0:1f.7"));
        assertEquals(Optional.empty(), HostFormats.bdf("AMDI0040:00"));
        assertEquals(Optional.empty(), HostFormats.bdf("0000:01:20.0"));
    }

    @Test
    void quoteEscapesControlCharactersAndTruncates() {
        assertEquals("'a\\x0ab'", HostFormats.quote("a\nb"));
        assertEquals(62 + 1, HostFormats.quote("x".repeat(100)).length());
    }

    // ---- amd-iommu/features

    @Test
    void amdFeaturesSingleValue() {
        assertEquals(Optional.of(EFR), HostFormats.amdExtendedFeatures("a5bf732fa2295afe\n", "f", warnings));
        assertTrue(warnings.isEmpty());
    }

    @Test
    void amdFeaturesTwoValuesInEitherOrderWhenOneIsZero() {
        assertEquals(Optional.of(EFR), HostFormats.amdExtendedFeatures("a5bf732fa2295afe:0\n", "f", warnings));
        assertEquals(Optional.of(EFR), HostFormats.amdExtendedFeatures("0:a5bf732fa2295afe\n", "f", warnings));
        assertTrue(warnings.isEmpty());
    }

    @Test
    void amdFeaturesTwoNonZeroValuesWithTheSameHats() {
        // Both have HATS = 2: whichever is the EFR, the width is the same.
        assertEquals(Optional.of(EFR), HostFormats.amdExtendedFeatures("a5bf732fa2295afe:800", "f", warnings));
        assertTrue(warnings.isEmpty());
    }

    @Test
    void amdFeaturesAmbiguousOrderKeepsTheNarrowerAndSaysSo() {
        // 0x400 has HATS = 1 (57 bits), 0x800 HATS = 2 (64 bits).
        assertEquals(Optional.of(0x400L), HostFormats.amdExtendedFeatures("800:400", "f", warnings));
        assertOneWarning("f", "assuming the narrower host address width");
    }

    @Test
    void amdFeaturesReservedHatsIsAWarning() {
        assertEquals(Optional.of(0xc00L), HostFormats.amdExtendedFeatures("c00", "f", warnings));
        assertOneWarning("f", "HATS (bits 11:10) is 3");
        assertEquals(Optional.empty(), new AmdIommu("ivhd0", Optional.empty(), Optional.of(0xc00L)).addressWidth());
    }

    @Test
    void amdFeaturesMalformed() {
        assertEquals(Optional.empty(), HostFormats.amdExtendedFeatures("1:2:3", "f", warnings));
        assertOneWarning("f", "expected one hexadecimal value or two joined by ':'");
    }

    // ---- firmware descriptors

    @Test
    void firmwareDescriptorFlash() {
        String json = """
                {"description": "UEFI firmware for x86_64", "interface-types": ["uefi"],
                 "mapping": {"device": "flash",
                             "executable": {"filename": "/usr/share/OVMF/OVMF_CODE_4M.fd", "format": "raw"},
                             "nvram-template": {"filename": "/usr/share/OVMF/OVMF_VARS_4M.fd", "format": "raw"}},
                 "targets": [{"architecture": "x86_64", "machines": ["pc-i440fx-*", "pc-q35-*"]}],
                 "features": ["acpi-s3", "secure-boot"], "tags": []}
                """;
        FirmwareDescriptor descriptor = HostFormats.firmwareDescriptor(json.getBytes(StandardCharsets.UTF_8),
                "usr/share/qemu/firmware/60.json", warnings).orElseThrow();
        assertTrue(warnings.isEmpty(), () -> warnings.toString());
        assertEquals("usr/share/qemu/firmware/60.json", descriptor.file());
        assertEquals(Optional.of("UEFI firmware for x86_64"), descriptor.description());
        assertEquals(List.of("uefi"), descriptor.interfaceTypes());
        assertEquals(Optional.of("flash"), descriptor.device());
        assertEquals(Optional.of("/usr/share/OVMF/OVMF_CODE_4M.fd"), descriptor.executable());
        assertEquals(Optional.of("/usr/share/OVMF/OVMF_VARS_4M.fd"), descriptor.nvramTemplate());
        assertEquals(List.of(new FirmwareDescriptor.Target("x86_64", List.of("pc-i440fx-*", "pc-q35-*"))),
                descriptor.targets());
        assertEquals(List.of("acpi-s3", "secure-boot"), descriptor.features());
    }

    @Test
    void firmwareDescriptorMemoryMapping() {
        String json = "{\"interface-types\": [\"bios\"], \"mapping\": {\"device\": \"memory\","
                + " \"filename\": \"/usr/share/seabios/bios-256k.bin\"}}";
        FirmwareDescriptor descriptor = HostFormats.firmwareDescriptor(json.getBytes(StandardCharsets.UTF_8), "d",
                warnings).orElseThrow();
        assertEquals(Optional.of("/usr/share/seabios/bios-256k.bin"), descriptor.executable());
        assertEquals(Optional.empty(), descriptor.nvramTemplate());
        assertTrue(warnings.isEmpty());
    }

    @Test
    void firmwareDescriptorThatIsNotJson() {
        assertEquals(Optional.empty(), HostFormats.firmwareDescriptor(
                "{\"description\": ".getBytes(StandardCharsets.UTF_8), "d.json", warnings));
        assertOneWarning("d.json", "not valid JSON");
        assertTrue(warnings.get(0).message().contains("line 1"), warnings.get(0).message());
    }

    @Test
    void firmwareDescriptorWithTrailingGarbage() {
        assertEquals(Optional.empty(), HostFormats.firmwareDescriptor("{} {}".getBytes(StandardCharsets.UTF_8),
                "d.json", warnings));
        assertOneWarning("d.json", "not valid JSON");
    }

    @Test
    void firmwareDescriptorThatIsNotAnObject() {
        assertEquals(Optional.empty(), HostFormats.firmwareDescriptor("[1]".getBytes(StandardCharsets.UTF_8),
                "d.json", warnings));
        assertOneWarning("d.json", "expected a JSON object");
    }

    @Test
    void firmwareDescriptorWithWrongTypesKeepsWhatItCan() {
        String json = "{\"description\": 5, \"features\": \"secure-boot\", \"targets\": [{\"machines\": []}]}";
        FirmwareDescriptor descriptor = HostFormats.firmwareDescriptor(json.getBytes(StandardCharsets.UTF_8), "d",
                warnings).orElseThrow();
        assertEquals(Optional.empty(), descriptor.description());
        assertEquals(List.of(), descriptor.features());
        assertEquals(List.of(), descriptor.targets());
        assertEquals(List.of("'description' is not a string", "a target without an architecture was ignored",
                "'features' is not a list"), warnings.stream().map(HostWarning::message).toList());
    }
}
