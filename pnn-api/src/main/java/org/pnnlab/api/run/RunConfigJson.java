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
    /** The first pass: unknown fields are reported before missing ones. */
    private static final ObjectMapper UNKNOWN_FIRST = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
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
            try {
                UNKNOWN_FIRST.readValue(json, RunConfig.class);
            } catch (UnrecognizedPropertyException | InvalidTypeIdException e) {
                throw e;
            } catch (JsonProcessingException | RuntimeException e) {
                // anything else is reported by the strict reading below
            }
            return STRICT.readValue(json, RunConfig.class);
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
