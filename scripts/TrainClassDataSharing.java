import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Records the classes the CLI loads on each path a user starts it on, for the class-data-sharing archive: a lint
 * without host facts (the rule fixtures), a lint with this machine's host facts ({@code --host-root /}: the host
 * readers, the stack detection and its processes), and the libvirt hook ({@code hook run} at {@code prepare begin},
 * with a configuration and the XML on standard input). Each run writes its own class list; the archive is dumped
 * from their union, in first-seen order. Without the second and third, those paths loaded several hundred classes
 * from the jar at every start.
 *
 * JDK 17's class lists name classes of the built-in loaders one per line, without ids, so a union of lines is a
 * valid list; its @lambda lines resolve by name.
 *
 * Usage (pom.xml runs it after shading): java scripts/TrainClassDataSharing.java JAR PROJECT_DIR CLASS_LIST
 */
public final class TrainClassDataSharing {
    private TrainClassDataSharing() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path jar = Path.of(args[0]);
        Path project = Path.of(args[1]);
        Path classList = Path.of(args[2]);
        Path rules = project.resolve("testdata/rules");
        Path example = project.resolve("testdata/example-win11.xml");
        Path work = Files.createTempDirectory(classList.getParent(), "cds-training");
        Path hookConfig = Files.writeString(work.resolve("hook.yaml"),
                "block-on: error\nskip-domains: [none]\non-internal-error: fail-open\ntimeout: 30s\n");
        List<List<String>> runs = List.of(
                List.of("--accel", "tcg", rules.toString()),
                List.of("--host-root", "/", example.toString(), rules.toString()),
                List.of("hook", "run", "--config", hookConfig.toString(), "win11", "prepare", "begin", "-"));
        Set<String> union = new LinkedHashSet<>();
        for (int i = 0; i < runs.size(); i++) {
            Path list = work.resolve("run" + i + ".classlist");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-XX:DumpLoadedClassList=" + list, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-jar", jar.toString()));
            command.addAll(runs.get(i));
            Process process = new ProcessBuilder(command).redirectInput(example.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            int status = process.waitFor();
            // Findings exit 1; only a usage or internal error (2) or a crash means the run did not go the whole way.
            if (status > 1) {
                throw new IllegalStateException("training run " + runs.get(i) + " exited " + status);
            }
            union.addAll(Files.readAllLines(list, StandardCharsets.UTF_8));
            Files.delete(list);
        }
        Files.delete(hookConfig);
        Files.delete(work);
        Files.write(classList, union, StandardCharsets.UTF_8);
        System.out.println(union.size() + " class list lines from " + runs.size() + " training runs");
    }
}
