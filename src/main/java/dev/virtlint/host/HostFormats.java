package dev.virtlint.host;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.virtlint.domain.PciAddress;

/**
 * Parsers for the procfs and sysfs file formats of {@code host-facts.md}, one method per format. Each takes the
 * file's text and its root-relative path, returns the decoded value, or adds a warning that says what was
 * wrong and returns empty.
 */
final class HostFormats {
    private static final Pattern CPUINFO_LINE = Pattern.compile("^([^:\\t]+?)\\s*:\\s?(.*)$");
    /** The kernel always prints both widths; a capture through libvirt knows only the physical one. */
    private static final Pattern ADDRESS_SIZES =
            Pattern.compile("(\\d{1,3}) bits physical(?:, (\\d{1,3}) bits virtual)?");
    private static final Pattern HEX64 = Pattern.compile("0x[0-9a-fA-F]{1,16}");
    private static final Pattern BARE_HEX64 = Pattern.compile("(?:0x)?([0-9a-fA-F]{1,16})");
    private static final Pattern HEX32 = Pattern.compile("(?:0x)?([0-9a-fA-F]{1,8})");
    private static final Pattern REGION_TYPE = Pattern.compile("[a-z][a-z-]*");
    private static final Pattern BDF = Pattern.compile(
            "([0-9a-fA-F]{4,8}):([0-9a-fA-F]{2}):([01][0-9a-fA-F])\\.([0-7])");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private HostFormats() {
    }

    /**
     * {@code /proc/cpuinfo}: "name : value" lines in one block per logical CPU. The first occurrence of each
     * name wins; x86 prints the same vendor, address sizes and flags in every block.
     */
    static Optional<CpuInfo> cpuInfo(String text, String path, List<HostWarning> warnings) {
        Optional<String> vendorId = Optional.empty();
        Optional<String> modelName = Optional.empty();
        Optional<String> addressSizes = Optional.empty();
        Optional<String> flags = Optional.empty();
        boolean anyField = false;
        for (String line : text.split("\n")) {
            Matcher field = CPUINFO_LINE.matcher(line);
            if (!field.matches()) {
                continue;
            }
            anyField = true;
            String value = field.group(2).strip();
            switch (field.group(1).strip()) {
                case "vendor_id" -> vendorId = vendorId.or(() -> Optional.of(value));
                case "model name" -> modelName = modelName.or(() -> Optional.of(value));
                case "address sizes" -> addressSizes = addressSizes.or(() -> Optional.of(value));
                case "flags" -> flags = flags.or(() -> Optional.of(value));
                default -> {
                }
            }
        }
        if (!anyField) {
            warnings.add(new HostWarning(path, "no 'name : value' lines; not in /proc/cpuinfo format"));
            return Optional.empty();
        }
        Optional<Integer> physBits = Optional.empty();
        Optional<Integer> virtBits = Optional.empty();
        if (addressSizes.isPresent()) {
            Matcher sizes = ADDRESS_SIZES.matcher(addressSizes.get());
            if (sizes.matches() && bitsInRange(sizes.group(1))
                    && (sizes.group(2) == null || bitsInRange(sizes.group(2)))) {
                physBits = Optional.of(Integer.parseInt(sizes.group(1)));
                virtBits = Optional.ofNullable(sizes.group(2)).map(Integer::parseInt);
            } else {
                warnings.add(new HostWarning(path, "'address sizes' is " + quote(addressSizes.get())
                        + ", expected 'N bits physical, N bits virtual' with N from 1 to 64"));
            }
        }
        Optional<Set<String>> flagSet = flags.map(list -> {
            Set<String> set = new HashSet<>();
            for (String flag : list.split("\\s+")) {
                if (!flag.isEmpty()) {
                    set.add(flag);
                }
            }
            return set;
        });
        return Optional.of(new CpuInfo(vendorId.filter(v -> !v.isEmpty()), modelName.filter(m -> !m.isEmpty()),
                physBits, virtBits, flagSet));
    }

    private static boolean bitsInRange(String digits) {
        int bits = Integer.parseInt(digits);
        return bits >= 1 && bits <= 64;
    }

    /**
     * {@code resource}: one "start end flags" line per resource, each number {@code 0x%016llx}; an all-zero
     * line is an unused slot. One bad line makes the whole file unusable, since BAR sizes from half a file
     * would mislead.
     */
    static Optional<List<PciResource>> resources(String text, String path, List<HostWarning> warnings) {
        List<PciResource> used = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int index = 0; index < lines.length; index++) {
            String line = lines[index].strip();
            if (line.isEmpty() && index == lines.length - 1) {
                break;
            }
            String[] fields = line.split("\\s+");
            if (fields.length != 3 || !HEX64.matcher(fields[0]).matches() || !HEX64.matcher(fields[1]).matches()
                    || !HEX64.matcher(fields[2]).matches()) {
                warnings.add(new HostWarning(path, "line " + (index + 1)
                        + ": expected three hexadecimal numbers 'start end flags', got " + quote(line)));
                return Optional.empty();
            }
            long start = Long.parseUnsignedLong(fields[0].substring(2), 16);
            long end = Long.parseUnsignedLong(fields[1].substring(2), 16);
            long flags = Long.parseUnsignedLong(fields[2].substring(2), 16);
            if (start == 0 && end == 0 && flags == 0) {
                continue;
            }
            if (Long.compareUnsigned(end, start) < 0) {
                warnings.add(new HostWarning(path, "line " + (index + 1) + ": end " + fields[1]
                        + " is below start " + fields[0]));
                return Optional.empty();
            }
            used.add(new PciResource(index, start, end, flags));
        }
        return Optional.of(used);
    }

    /** {@code reserved_regions}: one "start end type" line per region, start and end inclusive, in hex. */
    static Optional<List<ReservedRegion>> reservedRegions(String text, String path, List<HostWarning> warnings) {
        List<ReservedRegion> regions = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int index = 0; index < lines.length; index++) {
            String line = lines[index].strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length != 3 || !HEX64.matcher(fields[0]).matches() || !HEX64.matcher(fields[1]).matches()
                    || !REGION_TYPE.matcher(fields[2]).matches()) {
                warnings.add(new HostWarning(path, "line " + (index + 1)
                        + ": expected 'start end type' (two hexadecimal numbers and a word), got " + quote(line)));
                return Optional.empty();
            }
            long start = Long.parseUnsignedLong(fields[0].substring(2), 16);
            long end = Long.parseUnsignedLong(fields[1].substring(2), 16);
            if (Long.compareUnsigned(end, start) < 0) {
                warnings.add(new HostWarning(path, "line " + (index + 1) + ": end " + fields[1]
                        + " is below start " + fields[0]));
                return Optional.empty();
            }
            regions.add(new ReservedRegion(start, end, fields[2]));
        }
        return Optional.of(regions);
    }

    /** PCI ID and class files: {@code 0x10de}, {@code 0x030000}. */
    static Optional<Integer> hexId(String text, String path, int max, List<HostWarning> warnings) {
        String value = text.strip();
        Matcher hex = HEX32.matcher(value);
        if (hex.matches()) {
            long parsed = Long.parseLong(hex.group(1), 16);
            if (parsed <= max) {
                return Optional.of((int) parsed);
            }
        }
        warnings.add(new HostWarning(path, "expected a hexadecimal number up to 0x"
                + Integer.toHexString(max) + ", got " + quote(value)));
        return Optional.empty();
    }

    /** An IOMMU group number, from the file a snapshot writes or the name a live link points to. */
    static Optional<Integer> groupNumber(String text, String path, List<HostWarning> warnings) {
        String value = text.strip();
        if (value.matches("\\d{1,9}")) {
            return Optional.of(Integer.parseInt(value));
        }
        warnings.add(new HostWarning(path, "expected an IOMMU group number, got " + quote(value)));
        return Optional.empty();
    }

    /** A register printed with {@code %llx} or {@code %x}: hexadecimal without {@code 0x}. */
    static Optional<Long> register(String text, String path, List<HostWarning> warnings) {
        String value = text.strip();
        Matcher hex = BARE_HEX64.matcher(value);
        if (hex.matches()) {
            return Optional.of(Long.parseUnsignedLong(hex.group(1), 16));
        }
        warnings.add(new HostWarning(path, "expected a hexadecimal register value, got " + quote(value)));
        return Optional.empty();
    }

    /**
     * {@code amd-iommu/features}: the EFR alone ({@code %llx}) on older kernels, two values on newer ones, whose
     * order changed between kernel versions (EFR2 first, then EFR first). When one of the two is zero the
     * other is the EFR (EFR2 is zero on most parts). Otherwise, if both would give the same HATS it does not
     * matter; if not, the narrower reading is kept and the guess is reported.
     */
    static Optional<Long> amdExtendedFeatures(String text, String path, List<HostWarning> warnings) {
        String value = text.strip();
        String[] parts = value.split(":", -1);
        List<Long> numbers = new ArrayList<>();
        for (String part : parts) {
            Matcher hex = BARE_HEX64.matcher(part.strip());
            if (parts.length > 2 || !hex.matches()) {
                warnings.add(new HostWarning(path, "expected one hexadecimal value or two joined by ':', got "
                        + quote(value)));
                return Optional.empty();
            }
            numbers.add(Long.parseUnsignedLong(hex.group(1), 16));
        }
        Optional<Long> efr;
        if (numbers.size() == 1) {
            efr = Optional.of(numbers.get(0));
        } else {
            long first = numbers.get(0);
            long second = numbers.get(1);
            if (first == 0 || second == 0) {
                efr = Optional.of(first == 0 ? second : first);
            } else if (AmdIommu.hats(first) == AmdIommu.hats(second)) {
                efr = Optional.of(first);
            } else {
                efr = Optional.of(narrower(first, second));
                warnings.add(new HostWarning(path, "cannot tell which of " + quote(value)
                        + " is the extended feature register (kernels print EFR and EFR2 in either order) and"
                        + " their HATS fields differ; assuming the narrower host address width"));
            }
        }
        efr.filter(register -> AmdIommu.hats(register) == 3).ifPresent(register -> warnings.add(new HostWarning(
                path, "HATS (bits 11:10) is 3, a reserved value: the host page-table depth is unknown")));
        return efr;
    }

    private static long narrower(long a, long b) {
        int widthA = AmdIommu.levels(AmdIommu.hats(a)).map(AmdIommu::widthOfLevels).orElse(Integer.MAX_VALUE);
        int widthB = AmdIommu.levels(AmdIommu.hats(b)).map(AmdIommu::widthOfLevels).orElse(Integer.MAX_VALUE);
        return widthA <= widthB ? a : b;
    }

    /** A module parameter: {@code Y}/{@code N} for bool parameters, {@code 1}/{@code 0} for older int ones. */
    static Optional<Boolean> moduleFlag(String text, String path, List<HostWarning> warnings) {
        String value = text.strip();
        switch (value) {
            case "Y", "y", "1" -> {
                return Optional.of(true);
            }
            case "N", "n", "0" -> {
                return Optional.of(false);
            }
            default -> {
                warnings.add(new HostWarning(path, "expected Y, N, 1 or 0, got " + quote(value)));
                return Optional.empty();
            }
        }
    }

    /** A driver's name as its directory under {@code /sys/bus/pci/drivers} spells it. */
    static Optional<String> driverName(String text, String path, List<HostWarning> warnings) {
        String value = text.strip();
        if (value.matches("[A-Za-z0-9_.:+-]{1,64}")) {
            return Optional.of(value);
        }
        warnings.add(new HostWarning(path, "expected a driver name, got " + quote(value)));
        return Optional.empty();
    }

    /** {@code reset_method}: the enabled methods, space-separated, in the order the kernel tries them. */
    static Optional<List<String>> resetMethods(String text, String path, List<HostWarning> warnings) {
        List<String> methods = List.of(text.strip().split("\\s+")).stream().filter(m -> !m.isEmpty()).toList();
        for (String method : methods) {
            if (!method.matches("[a-z_]{1,32}")) {
                warnings.add(new HostWarning(path, "expected reset method names, got " + quote(text.strip())));
                return Optional.empty();
            }
        }
        return Optional.of(methods);
    }

    /** {@code /proc/fb}: each line "NODE ID"; the ids in node order ("EFI VGA", "simpledrmdrmfb", "amdgpudrmfb"). */
    static List<String> framebuffers(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty())
                .map(line -> line.replaceFirst("^\\d+\\s+", "")).toList();
    }

    /** A sysfs PCI device name, {@code 0000:01:00.0}; empty for anything else. */
    static Optional<PciAddress> bdf(String name) {
        Matcher matcher = BDF.matcher(name);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new PciAddress(Integer.parseInt(matcher.group(1), 16),
                Integer.parseInt(matcher.group(2), 16), Integer.parseInt(matcher.group(3), 16),
                Integer.parseInt(matcher.group(4), 16)));
    }

    /** A QEMU firmware descriptor (QEMU's {@code docs/interop/firmware.json} schema). */
    static Optional<FirmwareDescriptor> firmwareDescriptor(byte[] json, String path, List<HostWarning> warnings) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            warnings.add(new HostWarning(path, "not valid JSON: " + jsonProblem(e)));
            return Optional.empty();
        } catch (IOException e) {
            warnings.add(new HostWarning(path, "cannot parse: " + RootFiles.describe(e)));
            return Optional.empty();
        }
        if (root == null || !root.isObject()) {
            warnings.add(new HostWarning(path, "expected a JSON object (a QEMU firmware descriptor)"));
            return Optional.empty();
        }
        Optional<String> description = text(root, "description", path, warnings);
        List<String> interfaceTypes = strings(root, "interface-types", path, warnings);
        JsonNode mapping = root.path("mapping");
        Optional<String> device = text(mapping, "device", path, warnings);
        Optional<String> executable = text(mapping.path("executable"), "filename", path, warnings)
                .or(() -> text(mapping, "filename", path, warnings));
        Optional<String> nvram = text(mapping.path("nvram-template"), "filename", path, warnings);
        List<FirmwareDescriptor.Target> targets = new ArrayList<>();
        JsonNode targetList = root.path("targets");
        if (targetList.isArray()) {
            for (JsonNode target : targetList) {
                Optional<String> architecture = text(target, "architecture", path, warnings);
                if (architecture.isPresent()) {
                    targets.add(new FirmwareDescriptor.Target(architecture.get(),
                            strings(target, "machines", path, warnings)));
                } else {
                    warnings.add(new HostWarning(path, "a target without an architecture was ignored"));
                }
            }
        } else if (!targetList.isMissingNode()) {
            warnings.add(new HostWarning(path, "'targets' is not a list"));
        }
        List<String> features = strings(root, "features", path, warnings);
        return Optional.of(new FirmwareDescriptor(path, description, interfaceTypes, device, executable, nvram,
                targets, features));
    }

    private static Optional<String> text(JsonNode parent, String key, String path, List<HostWarning> warnings) {
        JsonNode node = parent.path(key);
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isTextual()) {
            warnings.add(new HostWarning(path, "'" + key + "' is not a string"));
            return Optional.empty();
        }
        return Optional.of(node.asText());
    }

    private static List<String> strings(JsonNode parent, String key, String path, List<HostWarning> warnings) {
        JsonNode node = parent.path(key);
        List<String> values = new ArrayList<>();
        if (node.isMissingNode()) {
            return values;
        }
        if (!node.isArray()) {
            warnings.add(new HostWarning(path, "'" + key + "' is not a list"));
            return values;
        }
        for (JsonNode element : node) {
            if (element.isTextual()) {
                values.add(element.asText());
            } else {
                warnings.add(new HostWarning(path, "'" + key + "' holds a value that is not a string"));
            }
        }
        return values;
    }

    private static String jsonProblem(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        String where = location == null ? ""
                : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
        return e.getOriginalMessage().lines().findFirst().orElse("") + where;
    }

    /** Shows a bad value in a one-line message: quoted, control characters escaped, at most 60 characters. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder("'");
        int limit = Math.min(value.length(), 60);
        for (int i = 0; i < limit; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                out.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        if (value.length() > limit) {
            out.append("…");
        }
        return out.append('\'').toString();
    }
}
