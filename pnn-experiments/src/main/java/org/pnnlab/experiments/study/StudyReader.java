package org.pnnlab.experiments.study;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;
import org.pnnlab.api.PnnException;

/**
 * Reads a study file (YAML) strictly into a {@link StudyFile}: an unknown key, a wrong type, a duplicate key or a
 * missing adversarial method is one error naming the file, the key's path and what is allowed there.
 */
public final class StudyReader {
    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private StudyReader() {
    }

    /** Reads {@code file}. */
    public static StudyFile read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new PnnException("study file " + file + " does not exist");
        } catch (IOException e) {
            throw new PnnException("cannot read the study file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses {@code yaml}; {@code source} names it in errors. */
    public static StudyFile parse(String yaml, String source) {
        try {
            StudyFile f = YAML.readValue(yaml, StudyFile.class);
            if (f == null) throw new PnnException(source + ": the study file is empty; see studies/demo.yaml for an example");
            return f;
        } catch (JsonProcessingException e) {
            throw new PnnException(source + ": " + describe(e), e);
        }
    }

    private static String describe(JsonProcessingException e) {
        String path = e instanceof JsonMappingException m ? m.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[") : "";
        if (e instanceof UnrecognizedPropertyException u) {
            return "unknown key '" + path + "'; the keys allowed there are: " + u.getKnownPropertyIds().stream()
                    .map(Object::toString).sorted().collect(Collectors.joining(", "));
        }
        if (e instanceof InvalidTypeIdException t) {
            return t.getTypeId() == null ? "'" + path + "' needs a 'method': none, pgd or free"
                    : "'" + path + ".method' must be none, pgd or free, got '" + t.getTypeId() + "'";
        }
        if (e instanceof InvalidFormatException f) {
            return "'" + path + "' has the wrong type or value: '" + f.getValue() + "' is not "
                    + typeName(f.getTargetType()) + (f.getTargetType().isEnum() ? " (allowed: "
                    + java.util.Arrays.stream(f.getTargetType().getEnumConstants())
                    .map(c -> c.toString().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")) + ")" : "");
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return "'" + path + "' has the wrong type (expected " + typeName(m.getTargetType()) + ")";
        }
        if (e instanceof JsonMappingException m && m.getOriginalMessage() != null
                && m.getOriginalMessage().startsWith("Duplicate field")) {
            return "duplicate key at '" + path + "': " + m.getOriginalMessage();
        }
        var loc = e.getLocation();
        return "not valid YAML (" + e.getOriginalMessage() + (loc == null ? "" : ", at line " + loc.getLineNr()
                + " column " + loc.getColumnNr()) + ")";
    }

    private static String typeName(Class<?> t) {
        if (t == Double.class || t == double.class) return "a number";
        if (t == Long.class || t == long.class || t == Integer.class || t == int.class) return "an integer";
        if (t == Boolean.class || t == boolean.class) return "true or false";
        if (t == String.class) return "a string";
        if (java.util.List.class.isAssignableFrom(t)) return "a list";
        if (java.util.Map.class.isAssignableFrom(t) || t.isRecord()) return "a mapping of keys to values";
        return "a " + t.getSimpleName().toLowerCase(Locale.ROOT);
    }
}
