package org.pnnlab.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.run.RunConfigJson;

/**
 * A run's typed configuration as flat fields, named by their path in the configuration's JSON ({@code data.labelNoise},
 * {@code model.otherSlots.params.nmasks}, {@code optim.lr}; list items as {@code name[0]}), each with its JSON value as
 * text. Built from the JSON that {@link RunConfigJson#write} produces, so a setting added to the configuration records
 * appears here (in the groups' distinctions and the CSV export) without touching the report.
 */
final class ConfigFields {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConfigFields() {
    }

    /** Every field of {@code config} in the JSON's order; {@code null} values as the text {@code null}. */
    static Map<String, String> of(RunConfig config) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            flatten(JSON.readTree(RunConfigJson.write(config)), "", out);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Every field of {@code value} (a record or map Jackson can write) as flat fields below {@code prefix}. */
    static Map<String, String> of(Object value, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten(org.pnnlab.api.run.RunStore.mapper().valueToTree(value), prefix, out);
        return out;
    }

    private static void flatten(JsonNode node, String path, Map<String, String> out) {
        if (node.isContainerNode() && node.isEmpty() && !path.isEmpty()) {
            out.put(path, node.isArray() ? "[]" : "{}");   // an empty list or map is a value too
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) flatten(node.get(i), path + "[" + i + "]", out);
        } else {
            out.put(path, node.isNull() ? "null" : node.asText());
        }
    }
}
