package org.pnnlab.api.run;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The layer plugin of a group of slots and its parameters. In a resolved configuration the parameters are the
 * plugin's complete, validated values (every declared parameter, in its type), so two configurations that build the
 * same layer are equal.
 *
 * @param id the plugin id ({@code conv}, {@code perturbation}, ...; see {@code pnn list})
 * @param params parameter values by name
 */
public record LayerChoice(String id, Map<String, Object> params) {
    public LayerChoice {
        Checks.nonNull(id, "layer id");
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params == null ? Map.of() : params));
    }

    /** The plugin with its default parameters. */
    public static LayerChoice of(String id) {
        return new LayerChoice(id, Map.of());
    }

    public static LayerChoice of(String id, Map<String, ?> params) {
        return new LayerChoice(id, Map.copyOf(params));
    }
}
