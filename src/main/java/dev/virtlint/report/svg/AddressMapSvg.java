package dev.virtlint.report.svg;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import dev.virtlint.domain.MemorySize;
import dev.virtlint.platform.AddressMap;
import dev.virtlint.platform.MachineType;
import dev.virtlint.platform.Platform;
import dev.virtlint.platform.Region;
import dev.virtlint.platform.StartError;

/**
 * Draws the guest physical address map the way people sketch it: addresses growing upwards, each range a
 * labelled box with its addresses and size, problems in red. The axis is broken: every range gets a height
 * that grows with the logarithm of its size, and address space nothing uses shrinks to a zigzag with its
 * size written beside it, so a 12 GiB hole stays visible next to a terabyte of hotplug space. Markup comes
 * from the templates beside this class.
 */
public final class AddressMapSvg {
    private static final BigInteger FOUR_GIB = BigInteger.ONE.shiftLeft(32);
    private static final BigInteger MASK_64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    /** The narrowest picture; it grows when its texts need more room. */
    private static final int MIN_WIDTH = 1100;
    private static final int MARGIN = 20;
    private static final int TOP = 80;
    private static final int AXIS_X = 170;
    private static final int BAND_X = 180;
    private static final int LANE_WIDTH = 150;
    private static final int GAP_HEIGHT = 30;
    private static final int NOTE_LINE = 18;
    /**
     * Widths are estimated, not measured (there is no font here): 0.75 em a character for the proportional fonts
     * and 0.62 em for the monospaced one bound what DejaVu Sans and its fallbacks draw for addresses, sizes and
     * words, which a test checks against Chromium's layout. Pictures are sized and text wrapped by these bounds.
     */
    static final double PROPORTIONAL_EM = 0.75;
    static final double MONOSPACED_EM = 0.62;
    /** Font sizes in px of the text classes, as map.svg's style sets them. */
    private static final int TITLE_PX = 16;
    private static final int NAME_PX = 12;
    private static final int DETAIL_PX = 11;
    private static final int NOTE_PX = 12;
    /** Characters of a note line under the map: what fits the narrowest picture. */
    private static final int NOTE_CHARACTERS = (int) ((MIN_WIDTH - 2 * MARGIN) / (PROPORTIONAL_EM * NOTE_PX));
    /** Characters of a band's detail line beside the map: longer notes wrap onto more lines. */
    private static final int DETAIL_CHARACTERS = 64;
    /** Label heights in the column beside the bands: a band's name, then each detail line; one line of text. */
    private static final int NAME_LINE = 16;
    private static final int DETAIL_LINE = 14;
    private static final int ONE_LINE = 16;

    private static final Template DOCUMENT = Template.load("map.svg");
    private static final Template BAND = Template.load("band.svg");
    private static final Template GAP = Template.load("gap.svg");
    private static final Template TICK = Template.load("tick.svg");
    private static final Template LIMIT = Template.load("limit.svg");
    private static final Template NOTE = Template.load("note.svg");
    private static final Template LEADER = Template.load("leader.svg");
    private static final Template DETAIL = Template.load("detail.svg");
    private static final Template PAGE = Template.load("map.html");
    private static final Template ROW = Template.load("row.html");

    private AddressMapSvg() {
    }

    /**
     * One range to draw. {@code kind} picks the colour: ram, hotplug, pci, reserved, firmware or bar; a
     * {@code problem} is drawn in red whatever its kind.
     */
    public record Band(String name, long start, long endInclusive, String kind, String note, boolean problem) {
        BigInteger first() {
            return unsigned(start);
        }

        BigInteger end() {
            return unsigned(endInclusive).add(BigInteger.ONE);
        }

        long size() {
            return endInclusive - start + 1;
        }
    }

    /**
     * What the picture shows: a title, the ranges, the highest address the vCPU can reach (when known) and
     * lines of text under the map, problems first.
     */
    public record Picture(String title, String subtitle, List<Band> bands, Optional<Long> addressLimit,
                          String limitLabel, boolean limitExceeded, List<String> problems, List<String> notes) {
        public Picture {
            bands = List.copyOf(bands);
            problems = List.copyOf(problems);
            notes = List.copyOf(notes);
        }
    }

    /** The picture of QEMU's layout for a domain whose address map is known. */
    public static Picture of(Platform platform) {
        AddressMap map = platform.addressMap().orElseThrow();
        List<Region> inHtHole = platform.vendorIsAmd() ? map.regionsOverlappingAmdHtHole() : List.of();
        List<Band> bands = new ArrayList<>();
        for (Region region : map.regions()) {
            boolean beyondLimit = Long.compareUnsigned(region.endInclusive(), map.physAddressLimit()) > 0;
            boolean inHole = inHtHole.contains(region) || (region.name().equals(Region.AMD_HT_HOLE) && !inHtHole.isEmpty());
            bands.add(new Band(region.name(), region.start(), region.endInclusive(), kindOf(region.name()),
                    region.note(), beyondLimit || inHole));
        }
        List<String> problems = new ArrayList<>();
        if (platform.machineRefused()) {
            problems.add("QEMU will not start: " + platform.machineRefusalExplained()
                    + ". The map is what that type would build.");
        }
        for (StartError error : map.errors()) {
            problems.add("QEMU will not start: " + error.message());
        }
        for (Region region : inHtHole) {
            problems.add(region.name() + " overlaps AMD's HyperTransport range 0xfd00000000-0xffffffffff: VFIO cannot"
                    + " map guest memory there");
        }
        MachineType machine = platform.machine().orElseThrow();
        String vendor = platform.vendor().value().map(AddressMapSvg::vendorName).orElse("unknown vendor");
        String title = "Guest physical address map: " + machine.concreteName() + " on QEMU " + platform.qemu().version()
                + " (" + platform.accel().label() + ")";
        String subtitle = vendor + " vCPU, " + map.physBits() + " physical address bits (" + platform.physBits().source()
                + ")";
        List<String> notes = new ArrayList<>();
        notes.add("highest address used 0x" + Long.toHexString(map.maxUsedGpa()) + ": needs " + map.requiredPhysBits()
                + " phys-bits, the vCPU has " + map.physBits());
        notes.add(platform.qemuWillStart() ? "QEMU starts with this layout" : "QEMU does not start with this layout");
        return new Picture(title, subtitle, bands, Optional.of(map.physAddressLimit()),
                "phys-bits limit: the vCPU reaches up to 0x" + Long.toHexString(map.physAddressLimit()) + " ("
                        + map.physBits() + " bits)", map.exceedsPhysBits(), problems, notes);
    }

    private static String kindOf(String regionName) {
        return switch (regionName) {
            case Region.RAM_BELOW_4G, Region.RAM_ABOVE_4G -> "ram";
            case Region.DEVICE_MEMORY -> "hotplug";
            case Region.PCI_HOLE64 -> "pci";
            default -> "reserved";
        };
    }

    private static String vendorName(String vendorId) {
        return switch (vendorId) {
            case "AuthenticAMD" -> "AMD";
            case "GenuineIntel" -> "Intel";
            default -> vendorId;
        };
    }

    /** One stretch of the axis between two consecutive boundaries, and where it is drawn. */
    private record Stretch(BigInteger start, BigInteger end, boolean used, int bottom, int top) {
    }

    public static String svg(Picture picture) {
        TreeSet<BigInteger> boundaries = new TreeSet<>();
        boundaries.add(BigInteger.ZERO);
        for (Band band : picture.bands()) {
            boundaries.add(band.first());
            boundaries.add(band.end());
        }
        BigInteger highestUsed = boundaries.last();
        if (highestUsed.compareTo(FOUR_GIB) > 0) {
            boundaries.add(FOUR_GIB);
        }
        Optional<BigInteger> limitEnd = picture.addressLimit().map(limit -> unsigned(limit).add(BigInteger.ONE));
        limitEnd.ifPresent(boundaries::add);

        List<BigInteger> points = new ArrayList<>(boundaries);
        List<Stretch> stretches = new ArrayList<>();
        int drawn = 0;
        for (int i = 0; i + 1 < points.size(); i++) {
            BigInteger start = points.get(i);
            BigInteger end = points.get(i + 1);
            boolean used = picture.bands().stream()
                    .anyMatch(band -> band.first().compareTo(end) < 0 && band.end().compareTo(start) > 0);
            int height = used ? heightOf(end.subtract(start)) : GAP_HEIGHT;
            stretches.add(new Stretch(start, end, used, drawn, drawn + height));
            drawn += height;
        }
        List<Integer> laneOf = assignLanes(picture.bands());
        int lanes = laneOf.stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        int mapBottom = TOP + drawn;
        int labelX = BAND_X + lanes * LANE_WIDTH + 16;

        StringBuilder ticks = new StringBuilder();
        for (BigInteger point : points) {
            int y = mapBottom - yOf(stretches, point);
            ticks.append(TICK.render(Map.of("x1", AXIS_X - 6, "x2", BAND_X + lanes * LANE_WIDTH, "y", y,
                    "textX", AXIS_X - 10, "textY", y + 4, "address", "0x" + point.toString(16))));
        }

        // Every text in the label column wants to sit level with what it labels; where two would overlap
        // (a BAR inside the firmware window, say), the lower one moves down and gets a leader line.
        LabelColumn labels = new LabelColumn();
        Optional<Integer> limitY = limitEnd.map(end -> mapBottom - yOf(stretches, end));
        Optional<Integer> limitLabel = limitY.map(y -> labels.add(y - 9, ONE_LINE));
        List<Stretch> unused = stretches.stream().filter(stretch -> !stretch.used()).toList();
        List<Integer> gapLabels = new ArrayList<>();
        for (Stretch stretch : unused) {
            gapLabels.add(labels.add(mapBottom - (stretch.bottom() + stretch.top()) / 2, ONE_LINE));
        }
        List<Integer> bandLabels = new ArrayList<>();
        List<List<String>> details = new ArrayList<>();
        for (int i = 0; i < picture.bands().size(); i++) {
            Band band = picture.bands().get(i);
            List<String> lines = wrap("0x" + Long.toHexString(band.start()) + "–0x" + Long.toHexString(band.endInclusive())
                    + " — " + band.note(), DETAIL_CHARACTERS);
            details.add(lines);
            bandLabels.add(labels.add(besideBand(i, picture.bands(), laneOf, stretches, mapBottom),
                    NAME_LINE + DETAIL_LINE * lines.size()));
        }
        labels.place(TOP - ONE_LINE);

        StringBuilder gaps = new StringBuilder();
        for (int i = 0; i < unused.size(); i++) {
            int yMid = mapBottom - (unused.get(i).bottom() + unused.get(i).top()) / 2;
            gaps.append(GAP.render(Map.of("x1", BAND_X, "x2", BAND_X + lanes * LANE_WIDTH, "yMid", yMid,
                    "labelX", labelX, "textY", labels.placed(gapLabels.get(i)) + 4,
                    "label", gapLabel(unused.get(i), limitEnd))));
        }
        StringBuilder bands = new StringBuilder();
        for (int i = 0; i < picture.bands().size(); i++) {
            Band band = picture.bands().get(i);
            int bottom = mapBottom - yOf(stretches, band.first());
            int top = mapBottom - yOf(stretches, band.end());
            int label = labels.placed(bandLabels.get(i));
            int labelTop = label - labels.height(bandLabels.get(i)) / 2;
            int x = BAND_X + laneOf.get(i) * LANE_WIDTH;
            Map<String, Object> values = new LinkedHashMap<>();
            values.put("name", band.name());
            values.put("kind", band.problem() ? "problem" : band.kind());
            values.put("x", x);
            values.put("y", top);
            values.put("width", LANE_WIDTH - 10);
            values.put("height", Math.max(1, bottom - top));
            values.put("labelX", labelX);
            values.put("nameY", labelTop + 12);
            values.put("problemText", band.problem() ? " problem-text" : "");
            values.put("size", MemorySize.format(band.size()));
            StringBuilder detailLines = new StringBuilder();
            for (int line = 0; line < details.get(i).size(); line++) {
                detailLines.append(DETAIL.render(Map.of("x", labelX, "y", labelTop + 12 + DETAIL_LINE * (line + 1),
                        "text", details.get(i).get(line))));
            }
            values.put("details", detailLines);
            // A label level with its band's right edge needs no line; one that moved, or that labels a band with
            // others between it and the label column, points at its band.
            boolean besideItsBand = !labels.moved(bandLabels.get(i)) && laneOf.get(i) == lanes - 1;
            values.put("leader", besideItsBand ? "" : LEADER.render(Map.of("x1", x + LANE_WIDTH - 10,
                    "y1", labels.wanted(bandLabels.get(i)), "x2", labelX - 4, "y2", labelTop + 8)));
            bands.append(BAND.render(values));
        }
        int width = width(picture, labelX, details, unused.stream().map(stretch -> gapLabel(stretch, limitEnd)).toList());
        String limit = limitY.map(y -> LIMIT.render(Map.of("class", picture.limitExceeded() ? "limit" : "limit-ok",
                "x1", BAND_X, "x2", width - MARGIN, "y", y, "textX", labelX, "textY", labels.placed(limitLabel.get()) + 4,
                "textClass", picture.limitExceeded() ? "detail problem-text" : "detail",
                "label", picture.limitLabel()))).orElse("");
        StringBuilder notes = new StringBuilder();
        int y = Math.max(mapBottom + 36, labels.bottom() + 24);
        for (String problem : picture.problems()) {
            for (String line : wrap(problem, NOTE_CHARACTERS)) {
                notes.append(NOTE.render(Map.of("class", "problem-text", "y", y, "text", line)));
                y += NOTE_LINE;
            }
        }
        for (String note : picture.notes()) {
            for (String line : wrap(note, NOTE_CHARACTERS)) {
                notes.append(NOTE.render(Map.of("class", "detail", "y", y, "text", line)));
                y += NOTE_LINE;
            }
        }
        int height = y + 20;
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("width", width);
        document.put("height", height);
        document.put("title", picture.title());
        document.put("subtitle", picture.subtitle());
        document.put("ticks", ticks);
        document.put("gaps", gaps);
        document.put("bands", bands);
        document.put("limit", limit);
        document.put("notes", notes);
        return DOCUMENT.render(document);
    }

    /** The SVG in a page, with the same ranges as a table underneath for copying addresses. */
    public static String html(Picture picture) {
        StringBuilder rows = new StringBuilder();
        for (Band band : picture.bands()) {
            rows.append(ROW.render(Map.of("class", band.problem() ? "problem" : "", "name", band.name(),
                    "start", "0x" + Long.toHexString(band.start()), "end", "0x" + Long.toHexString(band.endInclusive()),
                    "size", MemorySize.format(band.size()), "note", band.note())));
        }
        return PAGE.render(Map.of("title", picture.title(), "svg", svg(picture), "rows", rows));
    }

    /**
     * Where a band's label wants to sit: level with the middle of the longest part of the band that no band in a
     * lane to its right covers, so that the label is beside the band it names and not beside another (the hotplug
     * region's label beside the HyperTransport hole drawn in front of it).
     */
    private static int besideBand(int index, List<Band> bands, List<Integer> laneOf, List<Stretch> stretches,
                                  int mapBottom) {
        int top = mapBottom - yOf(stretches, bands.get(index).end());
        int bottom = mapBottom - yOf(stretches, bands.get(index).first());
        List<int[]> free = new ArrayList<>(List.of(new int[] {top, bottom}));
        for (int other = 0; other < bands.size(); other++) {
            if (laneOf.get(other) <= laneOf.get(index)) {
                continue;
            }
            int coverTop = mapBottom - yOf(stretches, bands.get(other).end());
            int coverBottom = mapBottom - yOf(stretches, bands.get(other).first());
            List<int[]> left = new ArrayList<>();
            for (int[] part : free) {
                if (coverTop > part[0]) {
                    left.add(new int[] {part[0], Math.min(part[1], coverTop)});
                }
                if (coverBottom < part[1]) {
                    left.add(new int[] {Math.max(part[0], coverBottom), part[1]});
                }
            }
            free = left.stream().filter(part -> part[1] > part[0]).toList();
        }
        int[] longest = free.stream().max(Comparator.comparingInt(part -> part[1] - part[0]))
                .orElse(new int[] {top, bottom});
        return (longest[0] + longest[1]) / 2;
    }

    /** Wide enough for every text at its estimated width, and never narrower than {@link #MIN_WIDTH}. */
    private static int width(Picture picture, int labelX, List<List<String>> details, List<String> gapLabels) {
        double right = Math.max(MARGIN + estimatedWidth(picture.title(), TITLE_PX, PROPORTIONAL_EM),
                MARGIN + estimatedWidth(picture.subtitle(), NOTE_PX, PROPORTIONAL_EM));
        for (Band band : picture.bands()) {
            right = Math.max(right, labelX + estimatedWidth(band.name() + " · " + MemorySize.format(band.size()), NAME_PX,
                    PROPORTIONAL_EM));
        }
        List<String> column = new ArrayList<>(gapLabels);
        details.forEach(column::addAll);
        column.add(picture.limitLabel());
        for (String line : column) {
            right = Math.max(right, labelX + estimatedWidth(line, DETAIL_PX, PROPORTIONAL_EM));
        }
        return Math.max(MIN_WIDTH, (int) Math.ceil(right) + MARGIN);
    }

    static double estimatedWidth(String text, int fontPx, double em) {
        return text.codePointCount(0, text.length()) * fontPx * em;
    }

    /**
     * Breaks text into lines of at most {@code characters} where it can: SVG text does not wrap by itself, and a
     * QEMU error quoted in full ran off the right edge. A word longer than a line keeps a line of its own.
     */
    static List<String> wrap(String text, int characters) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > characters) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    /** 34 px for up to 128 MiB, 10 px more for each doubling: 2 GiB is 74 px, 1 TiB 164 px. */
    private static int heightOf(BigInteger size) {
        double units = size.doubleValue() / (128.0 * 1024 * 1024);
        return 34 + (int) Math.round(10 * Math.max(0, Math.log(units) / Math.log(2)));
    }

    /** Distance from the bottom of the map to an address that is one of the boundaries. */
    private static int yOf(List<Stretch> stretches, BigInteger address) {
        for (Stretch stretch : stretches) {
            if (stretch.start().equals(address)) {
                return stretch.bottom();
            }
        }
        return stretches.isEmpty() ? 0 : stretches.get(stretches.size() - 1).top();
    }

    private static String gapLabel(Stretch stretch, Optional<BigInteger> limitEnd) {
        String size = MemorySize.format(stretch.end().subtract(stretch.start()).min(MASK_64).longValue());
        if (stretch.end().equals(FOUR_GIB)) {
            return size + " below 4 GiB: 32-bit PCI hole, LAPIC, IOAPIC and firmware";
        }
        if (limitEnd.isPresent() && stretch.end().equals(limitEnd.get())) {
            return size + " reachable but unused, up to the phys-bits limit";
        }
        return size + " unused";
    }

    /** Side-by-side columns for ranges that overlap (say RAM inside the HyperTransport hole); 0 for most. */
    private static List<Integer> assignLanes(List<Band> bands) {
        List<Integer> lanes = new ArrayList<>();
        for (int i = 0; i < bands.size(); i++) {
            int lane = 0;
            boolean clash = true;
            while (clash) {
                clash = false;
                for (int j = 0; j < i; j++) {
                    Band other = bands.get(j);
                    Band band = bands.get(i);
                    if (lanes.get(j) == lane && other.first().compareTo(band.end()) < 0
                            && other.end().compareTo(band.first()) > 0) {
                        clash = true;
                        lane++;
                        break;
                    }
                }
            }
            lanes.add(lane);
        }
        return lanes;
    }

    private static BigInteger unsigned(long value) {
        return BigInteger.valueOf(value).and(MASK_64);
    }
}
