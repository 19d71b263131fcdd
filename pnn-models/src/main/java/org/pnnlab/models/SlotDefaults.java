package org.pnnlab.models;

import java.util.HashMap;
import java.util.Map;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.ParamSpec;

/**
 * The reproduction's conventions for the first slot of a model: no activation right after the noise
 * ({@code use_act} off unless asked for) and the noise level multiplied by {@code scale_noise}. They apply
 * only to plugins that declare those parameters.
 */
public final class SlotDefaults {
    private SlotDefaults() {
    }

    public static Map<String, Object> firstSlot(LayerPlugin plugin, Map<String, ?> given, double scaleNoise) {
        Map<String, Object> out = new HashMap<>(given);
        for (ParamSpec p : plugin.parameters()) {
            if (p.name().equals("use_act") && !given.containsKey("use_act")) out.put("use_act", false);
            if (p.name().equals("level") && scaleNoise != 1.0) {
                Object v = given.containsKey("level") ? given.get("level") : p.defaultValue();
                double level = ((Number) p.parse(plugin.id(), v)).doubleValue();
                out.put("level", level * scaleNoise);
            }
        }
        return out;
    }
}
