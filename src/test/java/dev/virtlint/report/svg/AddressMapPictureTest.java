package dev.virtlint.report.svg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.virtlint.support.CliRun;
import dev.virtlint.support.ProjectPaths;
import dev.virtlint.support.RealStack;

/** The drawn map: well-formed SVG with every label, rendered by a real browser into a picture that is not blank. */
class AddressMapPictureTest {
    private static final Path RELOCATED = ProjectPaths.testdata().resolve("rules/VL101/amd-hotplug.xml");

    @TempDir
    Path dir;

    private String map(String format) throws IOException {
        Path out = dir.resolve("map." + format);
        CliRun run = CliRun.run("map", "--accel", "tcg", "--format", format, "-o", out.toString(), RELOCATED.toString());
        assertEquals(0, run.exitCode(), run.err());
        return Files.readString(out);
    }

    @Test
    void theSvgIsWellFormedAndLabelsEveryRegionWithAddressesAndSizes() throws Exception {
        String svg = map("svg");
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.newDocumentBuilder().parse(new org.xml.sax.InputSource(new java.io.StringReader(svg)));
        for (String label : List.of("ram-below-4g · 2 GiB", "amd-ht-hole · 12 GiB", "ram-above-4g · 14 GiB",
                "device-memory · 1012 GiB", "pci-hole64 · 32 GiB", "0xfd00000000–0xffffffffff", "0x20880000000",
                "phys-bits limit", "QEMU will not start: Address space limit 0xffffffffff &lt; 0x2087fffffff")) {
            assertTrue(svg.contains(label), "missing " + label);
        }
        assertTrue(svg.contains("class=\"band problem\""), "regions beyond the phys-bits limit are drawn as problems");
        String html = map("html");
        assertTrue(html.startsWith("<!DOCTYPE html>") && html.contains("<svg") && html.contains("<td>pci-hole64</td>"));
    }

    @Test
    void theFirmwareWindowAndEachPlacedGpuBarAreDrawn() throws Exception {
        Path out = dir.resolve("firmware.svg");
        CliRun run = CliRun.run("map", "--format", "svg", "-o", out.toString(), "--host-root",
                ProjectPaths.testdata().resolve("hosts/amd-epyc-2gpu").toString(),
                ProjectPaths.testdata().resolve("rules/VL201/h100-on-root-bus.fixed.xml").toString());
        assertEquals(0, run.exitCode(), run.err());
        String svg = Files.readString(out);
        for (String label : List.of("data-name=\"ovmf-mmio64\"", "ovmf-mmio64 · 256 GiB", "BAR 1 · 128 GiB",
                "64-bit BAR placed by OVMF", "class=\"band firmware\"", "class=\"band bar\"")) {
            assertTrue(svg.contains(label), "missing " + label);
        }
        // The window and its 32 MiB BAR share a middle; their labels must not be drawn over each other.
        assertLabelColumnLinesDoNotOverlap(svg);
        assertTrue(svg.contains("class=\"leader\""), "a moved label points at its band");
    }

    private static void assertLabelColumnLinesDoNotOverlap(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        org.w3c.dom.NodeList texts = factory.newDocumentBuilder()
                .parse(new org.xml.sax.InputSource(new java.io.StringReader(svg))).getElementsByTagName("text");
        double labelX = 0;
        for (int i = 0; i < texts.getLength(); i++) {
            labelX = Math.max(labelX, Double.parseDouble(((org.w3c.dom.Element) texts.item(i)).getAttribute("x")));
        }
        List<Double> lines = new ArrayList<>();
        for (int i = 0; i < texts.getLength(); i++) {
            org.w3c.dom.Element text = (org.w3c.dom.Element) texts.item(i);
            if (Double.parseDouble(text.getAttribute("x")) == labelX) {
                lines.add(Double.parseDouble(text.getAttribute("y")));
            }
        }
        lines.sort(null);
        for (int i = 1; i < lines.size(); i++) {
            assertTrue(lines.get(i) - lines.get(i - 1) >= 13, "label lines at y=" + lines.get(i - 1) + " and y="
                    + lines.get(i) + " overlap: " + lines);
        }
    }

    @Test
    void longNotesAreWrappedWithoutLosingAWord() {
        String note = "QEMU will not start: " + "Address space limit 0xffffffffff < 0x2087fffffff ".repeat(6)
                + "phys-bits too low (40)";
        List<String> lines = AddressMapSvg.wrap(note, 60);
        assertTrue(lines.size() > 1, lines.toString());
        lines.forEach(line -> assertTrue(line.length() <= 60, line));
        assertEquals(note, String.join(" ", lines));
        assertEquals(List.of("short"), AddressMapSvg.wrap("short", 60));
    }

    @Test
    void headlessChromiumRendersItToAPictureThatIsNotBlank() throws Exception {
        Assumptions.assumeTrue(RealStack.onPath("chromium"), "chromium is not installed: the rendering check is"
                + " skipped (Debian: apt-get install chromium)");
        Path svg = dir.resolve("map.svg");
        Files.writeString(svg, map("svg"));
        Path png = dir.resolve("map.png");
        List<String> command = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + dir.resolve("profile"), "--window-size=1100,900", "--screenshot=" + png,
                svg.toUri().toString()));
        RealStack.Result result = RealStack.run(command, 120);
        assertTrue(Files.exists(png), "chromium wrote no picture: " + result.output());
        BufferedImage image = ImageIO.read(png.toFile());
        Set<Integer> colours = new HashSet<>();
        int red = 0;
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                colours.add(rgb);
                if (rgb == 0xf28b82) {
                    red++;
                }
            }
        }
        assertTrue(colours.size() > 20, "the picture is blank: " + colours.size() + " colours");
        assertTrue(red > 500, "the problem regions are red: " + red + " red samples");
    }
}
