package org.pnnlab.api.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Supplier;

/**
 * The settings added to {@link RunConfig} after run ids and configuration files were first written. A configuration
 * without one ran (or will run) with its default, so reading fills it in, and the configuration hash leaves it out
 * while it holds its default: a run keeps its id, and a study keeps finding its finished cells, when a setting is
 * added. A new setting of the run configuration goes here with the default its record declares.
 */
final class LaterSettings {
    /** A setting at a dotted path inside the configuration, with the default a missing value means. */
    record Setting(String path, Supplier<Object> defaultValue) {
        String parent() {
            int dot = path.lastIndexOf('.');
            return dot < 0 ? "" : path.substring(0, dot);
        }

        String name() {
            return path.substring(path.lastIndexOf('.') + 1);
        }
    }

    static final List<Setting> ALL = List.of(
            new Setting("regularisation", () -> RegularisationConfig.NONE),
            new Setting("evaluation.squareQueries", () -> EvaluationConfig.NONE.squareQueries()),
            new Setting("evaluation.eot", () -> EvaluationConfig.DEFAULT_EOT),
            new Setting("evaluation.threat.norm", () -> ThreatSpec.DEFAULT_NORM),
            new Setting("adversarial.threat.norm", () -> ThreatSpec.DEFAULT_NORM));

    private LaterSettings() {
    }

    /** Writes the default of every later setting missing from {@code config} (where its parent object exists). */
    static void fillMissing(JsonNode config, ObjectMapper mapper) {
        for (Setting s : ALL) {
            if (parent(config, s) instanceof ObjectNode o && !o.has(s.name())) {
                o.set(s.name(), mapper.valueToTree(s.defaultValue().get()));
            }
        }
    }

    /** Removes every later setting that holds its default from {@code config} (for the hash). */
    static void dropDefaults(JsonNode config, ObjectMapper mapper) {
        for (Setting s : ALL) {
            if (parent(config, s) instanceof ObjectNode o && o.has(s.name())
                    && o.get(s.name()).equals(mapper.valueToTree(s.defaultValue().get()))) {
                o.remove(s.name());
            }
        }
    }

    private static JsonNode parent(JsonNode config, Setting s) {
        JsonNode n = config;
        if (!s.parent().isEmpty()) {
            for (String part : s.parent().split("\\.")) n = n.path(part);
        }
        return n;
    }
}
