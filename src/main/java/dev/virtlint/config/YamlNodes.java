package dev.virtlint.config;

import java.nio.file.Path;
import java.util.Optional;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/** YAML composed into nodes that keep their positions, so that every configuration error can name its line. */
public final class YamlNodes {
    private YamlNodes() {
    }

    /** The document's root node, empty for an empty document; a syntax error is a {@link ConfigException} there. */
    public static Optional<Node> compose(Path file, String text) throws ConfigException {
        try {
            return new Compose(LoadSettings.builder().setLabel(file.toString()).build()).composeString(text);
        } catch (MarkedYamlEngineException e) {
            Optional<Mark> mark = e.getProblemMark().or(e::getContextMark);
            throw new ConfigException(file, mark.map(m -> m.getLine() + 1).orElse(1),
                    mark.map(m -> m.getColumn() + 1).orElse(1), "not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new ConfigException(file, 1, 1, "not valid YAML: " + e.getMessage());
        }
    }
}
