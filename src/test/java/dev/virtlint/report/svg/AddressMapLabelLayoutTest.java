package dev.virtlint.report.svg;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.support.RealStack;

/**
 * The map's labels, on every fixture and captured host: none runs off the picture, none overlaps another, and
 * each sits beside its own band. Once with a conservative width per character (no browser needed), once as
 * Chromium lays the text out.
 */
class AddressMapLabelLayoutTest {
    /** Wider than DejaVu Sans (and its usual fallbacks) draws the map's characters on average. */
    private static final double PROPORTIONAL_EM = 0.75;
    private static final double MONOSPACED_EM = 0.62;
    private static final Pattern LEADER = Pattern.compile("M ([0-9.]+) ([0-9.-]+) L ([0-9.]+) ([0-9.-]+)");

    @TempDir
    Path dir;

    private static Map<String, String> maps;

    /**
     * Every fixture's map that virt-lint can draw, against no host (under TCG) and each captured host: each distinct
     * SVG, with the fixture and options that drew it first. Drawn once for both tests.
     */
    private static synchronized Map<String, String> maps() throws IOException {
        if (maps == null) {
            maps = drawEveryFixture();
        }
        return maps;
    }

    private static Map<String, String> drawEveryFixture() throws IOException {
        List<Path> domains;
        try (Stream<Path> files = Files.walk(ProjectPaths.testdata())) {
            domains = files.filter(file -> file.toString().endsWith(".xml"))
                    .filter(file -> !file.startsWith(ProjectPaths.testdata().resolve("hosts"))).sorted().toList();
        }
        List<List<String>> settings = new ArrayList<>();
        settings.add(List.of("--accel", "tcg"));
        try (Stream<Path> hosts = Files.list(ProjectPaths.testdata().resolve("hosts"))) {
            hosts.filter(Files::isDirectory).sorted().forEach(host -> settings.add(List.of("--host-root", host.toString())));
        }
        Map<String, String> drawn = new LinkedHashMap<>();
        for (Path domain : domains) {
            for (List<String> setting : settings) {
                List<String> args = new ArrayList<>(List.of("map", "--format", "svg"));
                args.addAll(setting);
                args.add(domain.toString());
                CliRun run = CliRun.run(args.toArray(String[]::new));
                if (run.exitCode() == 0) {
                    drawn.putIfAbsent(run.out(), ProjectPaths.testdata().relativize(domain) + " " + String.join(" ", setting));
                }
            }
        }
        assertTrue(drawn.size() > 50, "too few maps to say anything: " + drawn.size());
        return drawn;
    }

    /** A text's box as estimated: x from its anchor, y from its baseline by its font size. */
    private record Box(String text, double left, double top, double right, double bottom) {
        boolean overlaps(Box other) {
            return left < other.right && other.left < right && top < other.bottom && other.top < bottom;
        }
    }

    private static Element parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new InputSource(new StringReader(svg))).getDocumentElement();
    }

    private static double number(Element element, String attribute) {
        return Double.parseDouble(element.getAttribute(attribute));
    }

    private static List<Box> estimatedBoxes(Element svg) {
        List<Box> boxes = new ArrayList<>();
        NodeList texts = svg.getElementsByTagName("text");
        for (int i = 0; i < texts.getLength(); i++) {
            Element text = (Element) texts.item(i);
            String cssClass = text.getAttribute("class");
            boolean mono = cssClass.contains("address");
            int px = cssClass.equals("title") ? 16 : cssClass.contains("detail") || cssClass.contains("gap-text")
                    || mono ? 11 : 12;
            String content = text.getTextContent();
            double width = content.codePointCount(0, content.length()) * px * (mono ? MONOSPACED_EM : PROPORTIONAL_EM);
            double x = number(text, "x");
            double y = number(text, "y");
            double left = mono ? x - width : x;
            boxes.add(new Box(content, left, y - 0.75 * px, left + width, y + 0.25 * px));
        }
        return boxes;
    }

    @Test
    void estimatedTextFitsThePictureAndNoTwoTextsOverlap() throws Exception {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, String> map : maps().entrySet()) {
            Element svg = parse(map.getKey());
            double width = number(svg, "width");
            double height = number(svg, "height");
            List<Box> boxes = estimatedBoxes(svg);
            for (int i = 0; i < boxes.size(); i++) {
                Box box = boxes.get(i);
                if (box.left() < 0 || box.top() < 0 || box.right() > width || box.bottom() > height) {
                    problems.add(map.getValue() + ": '" + box.text() + "' reaches " + box + " on a " + width + "x"
                            + height + " picture");
                }
                for (int j = 0; j < i; j++) {
                    if (box.overlaps(boxes.get(j))) {
                        problems.add(map.getValue() + ": '" + box.text() + "' overlaps '" + boxes.get(j).text() + "'");
                    }
                }
            }
            problems.addAll(labelsAwayFromTheirBands(map.getValue(), svg));
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /**
     * A label with no leader line sits level with its band, which is the last before the label column; a leader
     * starts on its band's right edge, level with a part of the band no band to its right covers.
     */
    private static List<String> labelsAwayFromTheirBands(String name, Element svg) {
        List<String> problems = new ArrayList<>();
        List<double[]> rects = new ArrayList<>();
        NodeList all = svg.getElementsByTagName("rect");
        for (int i = 0; i < all.getLength(); i++) {
            Element rect = (Element) all.item(i);
            if (rect.getAttribute("class").startsWith("band")) {
                rects.add(new double[] {number(rect, "x"), number(rect, "y"), number(rect, "x") + number(rect, "width"),
                    number(rect, "y") + number(rect, "height")});
            }
        }
        NodeList groups = svg.getElementsByTagName("g");
        for (int i = 0; i < groups.getLength(); i++) {
            Element group = (Element) groups.item(i);
            if (!group.getAttribute("class").equals("region")) {
                continue;
            }
            Element rect = (Element) group.getElementsByTagName("rect").item(0);
            double left = number(rect, "x");
            double top = number(rect, "y");
            double right = left + number(rect, "width");
            double bottom = top + number(rect, "height");
            NodeList paths = group.getElementsByTagName("path");
            String band = name + ": the label of " + group.getAttribute("data-name");
            if (paths.getLength() == 0) {
                double nameY = number((Element) group.getElementsByTagName("text").item(0), "y");
                if (nameY < top - 2 || nameY - 12 > bottom + 2) {
                    problems.add(band + " at y=" + nameY + " is not level with its band " + top + "-" + bottom);
                }
                if (rects.stream().anyMatch(other -> other[0] >= right && other[1] < bottom && other[3] > top)) {
                    problems.add(band + " has no leader but bands stand between it and its band");
                }
                continue;
            }
            Matcher leader = LEADER.matcher(((Element) paths.item(0)).getAttribute("d"));
            assertTrue(leader.find(), band);
            double x1 = Double.parseDouble(leader.group(1));
            double y1 = Double.parseDouble(leader.group(2));
            if (x1 != right || y1 < top || y1 > bottom) {
                problems.add(band + " has a leader from (" + x1 + ", " + y1 + "), off its band's right edge " + right
                        + " " + top + "-" + bottom);
            }
            if (rects.stream().anyMatch(other -> other[0] >= right && other[1] < y1 && other[3] > y1)
                    && !coveredWhole(rects, right, top, bottom)) {
                problems.add(band + " has a leader from y=" + y1 + ", where another band covers it");
            }
        }
        return problems;
    }

    /** Whether bands to the right of {@code right} cover the whole of {@code top}-{@code bottom}. */
    private static boolean coveredWhole(List<double[]> rects, double right, double top, double bottom) {
        List<double[]> covers = rects.stream().filter(other -> other[0] >= right).map(other -> new double[] {other[1],
            other[3]}).sorted((a, b) -> Double.compare(a[0], b[0])).toList();
        double reached = top;
        for (double[] cover : covers) {
            if (cover[0] > reached) {
                return false;
            }
            reached = Math.max(reached, cover[1]);
        }
        return reached >= bottom;
    }

    /**
     * Chromium lays out every map in one page and reports each text's box (getBBox): inside the picture, clear of
     * every other text, and no wider than the conservative estimate the picture is sized by.
     */
    @Test
    void chromiumLaysTheTextOutInsideThePictureWithoutOverlaps() throws Exception {
        Assumptions.assumeTrue(RealStack.onPath("chromium"), "chromium is not installed: the check of text extents as"
                + " a browser lays them out is skipped (Debian: apt-get install chromium)");
        Map<String, String> everyMap = maps();
        StringBuilder page = new StringBuilder("<!DOCTYPE html><html><body>");
        everyMap.keySet().forEach(svg -> page.append("<div>").append(svg).append("</div>"));
        page.append("<pre id='boxes'></pre><script>document.getElementById('boxes').textContent = JSON.stringify("
                + "[...document.querySelectorAll('body > div > svg')].map(svg => ({width: +svg.getAttribute('width'),"
                + " height: +svg.getAttribute('height'), texts: [...svg.querySelectorAll('text')].map(t => {"
                + " const b = t.getBBox(); return {text: t.textContent, x: b.x, y: b.y, width: b.width,"
                + " height: b.height}; })})));</script></body></html>");
        Path html = dir.resolve("maps.html");
        Files.writeString(html, page);
        RealStack.Result result = RealStack.run(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + dir.resolve("profile"), "--dump-dom", html.toUri().toString()), 180);
        Matcher dumped = Pattern.compile("(?s)<pre id=\"boxes\">(.*?)</pre>").matcher(result.output());
        assertTrue(dumped.find(), "chromium reported no text boxes: " + result.output());
        String json = dumped.group(1).replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
        JsonNode laidOut = new ObjectMapper().readTree(json);
        List<String> names = new ArrayList<>(everyMap.values());
        List<String> svgs = new ArrayList<>(everyMap.keySet());
        List<String> problems = new ArrayList<>();
        for (int m = 0; m < laidOut.size(); m++) {
            JsonNode map = laidOut.get(m);
            List<Box> estimated = estimatedBoxes(parse(svgs.get(m)));
            List<Box> boxes = new ArrayList<>();
            for (JsonNode text : map.get("texts")) {
                boxes.add(new Box(text.get("text").asText(), text.get("x").asDouble(), text.get("y").asDouble(),
                        text.get("x").asDouble() + text.get("width").asDouble(),
                        text.get("y").asDouble() + text.get("height").asDouble()));
            }
            for (int i = 0; i < boxes.size(); i++) {
                Box box = boxes.get(i);
                if (box.left() < 0 || box.top() < 0 || box.right() > map.get("width").asDouble()
                        || box.bottom() > map.get("height").asDouble()) {
                    problems.add(names.get(m) + ": '" + box.text() + "' is clipped: " + box);
                }
                double estimate = estimated.get(i).right() - estimated.get(i).left();
                if (box.right() - box.left() > estimate) {
                    problems.add(names.get(m) + ": '" + box.text() + "' is " + (box.right() - box.left())
                            + " px wide, more than the estimate of " + estimate);
                }
                for (int j = 0; j < i; j++) {
                    // Line boxes include the font's leading: adjacent lines may share a pixel row.
                    Box other = boxes.get(j);
                    Box shrunk = new Box(box.text(), box.left(), box.top() + 1, box.right(), box.bottom() - 1);
                    if (shrunk.overlaps(other)) {
                        problems.add(names.get(m) + ": '" + box.text() + "' overlaps '" + other.text() + "'");
                    }
                }
            }
        }
        assertTrue(laidOut.size() == everyMap.size(), "chromium laid out " + laidOut.size() + " of " + everyMap.size());
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }
}
