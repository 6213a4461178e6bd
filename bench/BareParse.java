import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import org.jdom2.input.SAXBuilder;
import org.jdom2.input.sax.XMLReaders;

/**
 * The floor for the throughput benchmark: read and parse every file with the same jdom2 settings
 * virt-lint uses, on all cores, and nothing else. Run with the project jar on the class path:
 * java -cp target/virt-lint.jar bench/BareParse.java FILE...
 */
public final class BareParse {
    public static void main(String[] args) {
        AtomicInteger parsed = new AtomicInteger();
        Arrays.stream(args).parallel().forEach(file -> {
            try {
                SAXBuilder builder = new SAXBuilder(XMLReaders.NONVALIDATING);
                builder.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                String text = new String(Files.readAllBytes(Path.of(file)), StandardCharsets.UTF_8);
                builder.build(new StringReader(text));
                parsed.incrementAndGet();
            } catch (Exception malformed) {
                // The floor counts the work, not the outcome: a malformed file was still read and parsed.
            }
        });
        System.out.println(parsed.get() + " parsed of " + args.length);
    }
}
