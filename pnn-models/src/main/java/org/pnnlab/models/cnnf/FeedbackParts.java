package org.pnnlab.models.cnnf;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.feedback.FeedbackLayer;
import org.pnnlab.api.feedback.FeedbackPlugin;

/** Builds feedback layers from the registry, and reads architecture options with clear errors. */
final class FeedbackParts {
    private final LayerRegistry registry = LayerRegistry.load();
    private final String model;

    FeedbackParts(String model) {
        this.model = model;
    }

    FeedbackLayer layer(String pluginId, Map<String, ?> params, String slot, long in, long out, long h, long w) {
        if (!(registry.get(pluginId) instanceof FeedbackPlugin p)) {
            throw new PnnException(model + ": layer '" + pluginId + "' has no feedback mode");
        }
        return p.createFeedback(params, LayerContext.of(slot, (int) in, (int) out, (int) h, (int) w, 0));
    }

    static void checkKnown(String model, Map<String, String> options, Set<String> known) {
        for (String k : options.keySet()) {
            if (!known.contains(k)) {
                throw new PnnException(model + ": unknown option '" + k + "'; known: " + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    static int intOption(String model, Map<String, String> o, String key, int def, int min, int max) {
        String v = o.get(key);
        if (v == null) return def;
        int i;
        try {
            i = Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new PnnException(model + ": option " + key + "=" + v + " is not an integer");
        }
        if (i < min || i > max) throw new PnnException(model + ": option " + key + "=" + i + " must be in [" + min + ", " + max + "]");
        return i;
    }

    static double doubleOption(String model, Map<String, String> o, String key, double def, double min, double max) {
        String v = o.get(key);
        if (v == null) return def;
        double d;
        try {
            d = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new PnnException(model + ": option " + key + "=" + v + " is not a number");
        }
        if (!(d >= min && d <= max)) throw new PnnException(model + ": option " + key + "=" + d + " must be in [" + min + ", " + max + "]");
        return d;
    }

    static Map<String, Object> params(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
