package org.pnnlab.api.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.pnnlab.api.PnnException;

/**
 * A {@link RunConfig} as JSON: written by {@code pnn config}, read strictly by {@code pnn run --config} (an unknown
 * field, a missing one or a wrong type is an error naming it), and in canonical form for the configuration hash.
 */
public final class RunConfigJson {
    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private RunConfigJson() {
    }

    /** Indented JSON. */
    public static String write(RunConfig config) {
        try {
            return STRICT.writeValueAsString(config);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a configuration file; every problem is one line naming the file, the field and the fix. */
    public static RunConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new PnnException("cannot read the configuration file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses {@code json}; {@code source} names it in errors. */
    public static RunConfig parse(String json, String source) {
        try {
            JsonNode tree = STRICT.readTree(json);
            if (tree == null) return STRICT.readValue(json, RunConfig.class);
            checkFieldNames(tree, RunConfig.class, "");
            fillAddedSettings(tree);
            return STRICT.treeToValue(tree, RunConfig.class);
        } catch (JsonProcessingException e) {
            throw new PnnException(source + ": " + describe(e), e);
        } catch (RuntimeException e) {
            PnnException p = userCause(e);
            if (p != null) throw new PnnException(source + ": " + p.getMessage(), e);
            throw e;
        }
    }

    /** Converts a tree already read (a run record's {@code config}) with the same strict rules. */
    public static RunConfig fromTree(JsonNode tree, String source) {
        return parse(tree.toString(), source);
    }

    /** Puts the settings added after run-record schema 2 at their defaults where a configuration tree lacks them. */
    static void fillAddedSettings(JsonNode config) {
        if (config.get("evaluation") instanceof ObjectNode evaluation) EvaluationConfig.fillAddedSettings(evaluation);
    }

    /** Canonical JSON (sorted keys, no indentation) of everything but the seed. */
    static String canonicalWithoutSeed(RunConfig config) {
        ObjectNode tree = CANONICAL.valueToTree(config);
        tree.remove("seed");
        try {
            return CANONICAL.writeValueAsString(CANONICAL.treeToValue(tree, Object.class));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reports a misspelt or unknown field before anything else (a missing field's default would otherwise fail a
     * range check first and hide the typo): the JSON's field names against the records' components.
     */
    private static void checkFieldNames(JsonNode node, Class<?> type, String path) {
        if (!node.isObject()) return;
        if (type == AdversarialTraining.class) {
            for (var sub : type.getAnnotation(com.fasterxml.jackson.annotation.JsonSubTypes.class).value()) {
                if (sub.name().equals(node.path("method").asText())) {
                    checkFields(node, sub.value(), path, java.util.Set.of("method"));
                }
            }
            return;
        }
        if (type.isRecord()) checkFields(node, type, path, java.util.Set.of());
    }

    private static void checkFields(JsonNode node, Class<?> type, String path, java.util.Set<String> extra) {
        java.util.Map<String, Class<?>> components = new java.util.LinkedHashMap<>();
        for (var c : type.getRecordComponents()) components.put(c.getName(), c.getType());
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            String at = path.isEmpty() ? name : path + "." + name;
            if (extra.contains(name)) continue;
            if (!components.containsKey(name)) {
                throw new PnnException("unknown field '" + at + "'; the fields there are: "
                        + String.join(", ", new java.util.TreeSet<>(components.keySet()))
                        + " (print a complete configuration with 'pnn config EXPERIMENT')");
            }
            checkFieldNames(node.get(name), components.get(name), at);
        }
    }

    private static String describe(JsonProcessingException e) {
        String path = e instanceof JsonMappingException m ? m.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[") : "";
        PnnException user = userCause(e);
        if (user != null) return user.getMessage();
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown field '" + path + "'; the fields there are: " + u.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "))
                    + " (print a complete configuration with 'pnn config EXPERIMENT')";
        }
        if (e instanceof InvalidTypeIdException t) {
            return "'" + path + ".method' must be none, pgd or free, got '" + t.getTypeId() + "'";
        }
        if (e instanceof InvalidFormatException f) {
            return "field '" + path + "' has the wrong type or value: '" + f.getValue() + "' is not a "
                    + f.getTargetType().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " here";
        }
        if (e instanceof MismatchedInputException m) {
            String msg = m.getOriginalMessage();
            if (msg != null && msg.contains("creator property")) {
                return "field '" + path + "' is missing (print a complete configuration with 'pnn config EXPERIMENT')";
            }
            return "field '" + path + "' has the wrong type (expected " + m.getTargetType().getSimpleName() + ")";
        }
        var loc = e.getLocation();
        return "not valid JSON (" + e.getOriginalMessage() + (loc == null ? "" : ", at line " + loc.getLineNr()
                + " column " + loc.getColumnNr()) + ")";
    }

    private static PnnException userCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof PnnException p) return p;
        }
        return null;
    }
}
