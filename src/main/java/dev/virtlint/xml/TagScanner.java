package dev.virtlint.xml;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Finds where every tag, attribute and comment lies in a document's text. SAX locators only give the
 * position after a start tag, which is not enough to splice an edit; this lexical pass gives exact
 * offsets. It runs only on text the XML parser has already accepted as well-formed, so it need not
 * diagnose errors, only never loop or overrun on them.
 */
final class TagScanner {

    record RawAttribute(String qualifiedName, Span nameSpan, Span valueSpan, char quote) {
    }

    static final class RawElement {
        final String qualifiedName;
        final List<RawAttribute> attributes;
        final Span startTag;
        Span endTag;
        final List<RawElement> children = new ArrayList<>();

        RawElement(String qualifiedName, List<RawAttribute> attributes, Span startTag) {
            this.qualifiedName = qualifiedName;
            this.attributes = attributes;
            this.startTag = startTag;
        }
    }

    record Result(RawElement root, List<XmlComment> comments) {
    }

    private final String text;
    private int pos;

    private TagScanner(String text) {
        this.text = text;
    }

    static Result scan(String text) {
        return new TagScanner(text).run();
    }

    private Result run() {
        List<XmlComment> comments = new ArrayList<>();
        Deque<RawElement> open = new ArrayDeque<>();
        RawElement root = null;
        while (true) {
            int lt = text.indexOf('<', pos);
            if (lt < 0) {
                break;
            }
            if (text.startsWith("<!--", lt)) {
                int end = indexOrEnd("-->", lt + 4);
                comments.add(new XmlComment(text.substring(lt + 4, end), new Span(lt, Math.min(end + 3, text.length()))));
                pos = end + 3;
            } else if (text.startsWith("<![CDATA[", lt)) {
                pos = indexOrEnd("]]>", lt + 9) + 3;
            } else if (text.startsWith("<?", lt)) {
                pos = indexOrEnd("?>", lt + 2) + 2;
            } else if (text.startsWith("<!", lt)) {
                pos = indexOrEnd(">", lt + 2) + 1;
            } else if (text.startsWith("</", lt)) {
                int end = indexOrEnd(">", lt + 2);
                pos = end + 1;
                RawElement closed = open.pollFirst();
                if (closed != null) {
                    closed.endTag = new Span(lt, Math.min(pos, text.length()));
                }
            } else {
                RawElement element = startTag(lt);
                if (open.isEmpty()) {
                    if (root == null) {
                        root = element;
                    }
                } else {
                    open.peekFirst().children.add(element);
                }
                if (element.endTag == null) {
                    open.addFirst(element);
                }
            }
        }
        return new Result(root, comments);
    }

    private int indexOrEnd(String needle, int from) {
        int index = text.indexOf(needle, from);
        return index < 0 ? text.length() : index;
    }

    private RawElement startTag(int lt) {
        pos = lt + 1;
        String name = name();
        List<RawAttribute> attributes = new ArrayList<>();
        while (pos < text.length()) {
            skipWhitespace();
            if (pos >= text.length()) {
                break;
            }
            char c = text.charAt(pos);
            if (c == '>') {
                pos++;
                return new RawElement(name, attributes, new Span(lt, pos));
            }
            if (c == '/') {
                pos = Math.min(indexOrEnd(">", pos) + 1, text.length());
                RawElement element = new RawElement(name, attributes, new Span(lt, pos));
                element.endTag = element.startTag;
                return element;
            }
            int nameStart = pos;
            String attributeName = name();
            if (attributeName.isEmpty()) {
                pos++;
                continue;
            }
            int nameEnd = pos;
            skipWhitespace();
            if (pos < text.length() && text.charAt(pos) == '=') {
                pos++;
            }
            skipWhitespace();
            if (pos >= text.length()) {
                break;
            }
            char quote = text.charAt(pos);
            int valueStart = pos + 1;
            int valueEnd = indexOrEnd(String.valueOf(quote), valueStart);
            attributes.add(new RawAttribute(attributeName, new Span(nameStart, nameEnd),
                    new Span(valueStart, valueEnd), quote));
            pos = valueEnd + 1;
        }
        return new RawElement(name, attributes, new Span(lt, Math.min(pos, text.length())));
    }

    private String name() {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c) || c == '/' || c == '>' || c == '=') {
                break;
            }
            pos++;
        }
        return text.substring(start, pos);
    }

    private void skipWhitespace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}
