package dev.switchboard.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.StringReader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A YAML file turned into a JSON tree that still knows the line of every field, with
 * {@code ${VAR}} and {@code ${VAR:-default}} replaced from the environment in string values.
 * Substitution happens after parsing, so a variable's value can never change the file's structure.
 */
final class YamlDocument implements YamlLines {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private final String name;
    private final JsonNode root;
    private final Map<String, Integer> lines;
    private final Map<String, String> written;

    private YamlDocument(String name, JsonNode root, Map<String, Integer> lines, Map<String, String> written) {
        this.name = name;
        this.root = root;
        this.lines = lines;
        this.written = written;
    }

    /** Parses YAML text; {@code name} is how errors refer to the file. */
    static YamlDocument parse(String name, String text, Map<String, String> env) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(100);
        options.setCodePointLimit(8 * 1024 * 1024);
        Node node;
        try {
            node = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(name, line, null, "not valid YAML: " + e.getProblem());
        } catch (RuntimeException e) {
            throw new ConfigException(name, 0, null, "not valid YAML: " + e.getMessage());
        }
        Map<String, Integer> lines = new HashMap<>();
        Map<String, String> written = new HashMap<>();
        if (node == null) {
            return new YamlDocument(name, NODES.objectNode(), lines, written);
        }
        Converter converter = new Converter(name, env, lines, written);
        return new YamlDocument(name, converter.convert(node, ""), lines, written);
    }

    String name() {
        return name;
    }

    JsonNode root() {
        return root;
    }

    @Override
    public boolean has(String path) {
        return lines.containsKey(path);
    }

    @Override
    public String written(String path) {
        return written.get(path);
    }

    /** The 1-based line of a field path such as {@code providers[0].timeouts.connect_ms}; the nearest parent's line if unknown. */
    @Override
    public int lineOf(String path) {
        String p = path;
        while (!p.isEmpty()) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
            p = cut <= 0 ? "" : p.substring(0, cut);
        }
        return 1;
    }

    private static final class Converter {
        private final String file;
        private final Map<String, String> env;
        private final Map<String, Integer> lines;
        private final Map<String, String> written;

        Converter(String file, Map<String, String> env, Map<String, Integer> lines, Map<String, String> written) {
            this.file = file;
            this.env = env;
            this.lines = lines;
            this.written = written;
        }

        JsonNode convert(Node node, String path) {
            if (!path.isEmpty()) {
                lines.putIfAbsent(path, node.getStartMark().getLine() + 1);
            }
            return switch (node) {
                case MappingNode mapping -> mapping(mapping, path);
                case SequenceNode sequence -> sequence(sequence, path);
                case ScalarNode scalar -> scalar(scalar, path);
                default -> throw new ConfigException(file, node.getStartMark().getLine() + 1, path,
                        "unsupported YAML node");
            };
        }

        private ObjectNode mapping(MappingNode mapping, String path) {
            ObjectNode object = NODES.objectNode();
            List<Node> merges = new ArrayList<>();
            for (NodeTuple tuple : mapping.getValue()) {
                int line = tuple.getKeyNode().getStartMark().getLine() + 1;
                if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
                    throw new ConfigException(file, line, path, "only plain keys are supported here");
                }
                if (key.getTag().equals(Tag.MERGE)) {
                    merges.add(tuple.getValueNode());
                    continue;
                }
                String field = key.getValue();
                String child = path.isEmpty() ? field : path + "." + field;
                if (object.has(field)) {
                    throw new ConfigException(file, line, child, "duplicate key");
                }
                lines.put(child, line);
                object.set(field, convert(tuple.getValueNode(), child));
            }
            for (Node merge : merges) {
                mergeInto(object, merge, path);
            }
            return object;
        }

        /** YAML merge keys ({@code <<: *anchor} or a list of anchors): keys written in the mapping itself win. */
        private void mergeInto(ObjectNode object, Node merge, String path) {
            List<Node> sources = merge instanceof SequenceNode list ? list.getValue() : List.of(merge);
            for (Node source : sources) {
                if (!(source instanceof MappingNode)) {
                    throw new ConfigException(file, source.getStartMark().getLine() + 1, path,
                            "a merge key (<<) needs a mapping or a list of mappings");
                }
                JsonNode merged = convert(source, path);
                merged.properties().forEach(field -> {
                    if (!object.has(field.getKey())) {
                        object.set(field.getKey(), field.getValue());
                    }
                });
            }
        }

        private ArrayNode sequence(SequenceNode sequence, String path) {
            ArrayNode array = NODES.arrayNode();
            int index = 0;
            for (Node item : sequence.getValue()) {
                array.add(convert(item, path + "[" + index++ + "]"));
            }
            return array;
        }

        private JsonNode scalar(ScalarNode scalar, String path) {
            Tag tag = scalar.getTag();
            String value = scalar.getValue();
            try {
                if (tag.equals(Tag.NULL)) {
                    return NODES.nullNode();
                }
                if (tag.equals(Tag.BOOL)) {
                    return NODES.booleanNode(parseBoolean(value));
                }
                if (tag.equals(Tag.INT)) {
                    return NODES.numberNode(new BigInteger(value.replace("_", "")));
                }
                if (tag.equals(Tag.FLOAT)) {
                    return NODES.numberNode(new BigDecimal(value.replace("_", "")));
                }
            } catch (NumberFormatException e) {
                return NODES.textNode(value); // YAML 1.1 spellings (0x1F, 1:30) stay text; binding will say what it expected
            }
            return NODES.textNode(substitute(value, path, scalar.getStartMark().getLine() + 1));
        }

        private static boolean parseBoolean(String value) {
            return switch (value.toLowerCase()) {
                case "true", "yes", "on", "y" -> true;
                default -> false;
            };
        }

        private String substitute(String value, String path, int line) {
            if (value.indexOf("${") < 0) {
                return value;
            }
            if (VARIABLE.matcher(value).replaceAll("").contains("${")) {
                throw new ConfigException(file, line, path, "malformed variable reference in \"" + value
                        + "\" (expected ${NAME} or ${NAME:-default})");
            }
            written.put(path, value);
            Matcher m = VARIABLE.matcher(value);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String resolved = env.get(m.group(1));
                if (resolved == null || (resolved.isEmpty() && m.group(2) != null)) {
                    resolved = m.group(2) == null ? "" : m.group(2);
                }
                m.appendReplacement(out, Matcher.quoteReplacement(resolved));
            }
            m.appendTail(out);
            return out.toString();
        }
    }
}
