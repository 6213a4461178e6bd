package dev.virtlint.lint;

import java.util.ArrayList;
import java.util.List;

import dev.virtlint.rules.Finding;
import dev.virtlint.xml.XmlDocument;
import dev.virtlint.xml.XmlElement;

/**
 * Names the element each finding lies in, as a path such as {@code /domain/devices/hostdev[2]}, so that
 * reports can give a location that survives reformatting (SARIF's logical location).
 */
final class ElementPaths {
    private ElementPaths() {
    }

    static List<Finding> locate(XmlDocument document, List<Finding> findings) {
        List<Finding> located = new ArrayList<>(findings.size());
        for (Finding finding : findings) {
            located.add(finding.elementPath().isPresent() ? finding
                    : finding.withElementPath(innermostAt(document.root(), finding.span().start()).path()));
        }
        return located;
    }

    /** The deepest element whose text contains {@code offset}; the root for offsets outside every element. */
    private static XmlElement innermostAt(XmlElement root, int offset) {
        XmlElement current = root;
        boolean descended = true;
        while (descended) {
            descended = false;
            for (XmlElement child : current.children()) {
                if (child.span().start() <= offset && offset < child.span().end()) {
                    current = child;
                    descended = true;
                    break;
                }
            }
        }
        return current;
    }
}
