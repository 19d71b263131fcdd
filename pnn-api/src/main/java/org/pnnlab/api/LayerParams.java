package org.pnnlab.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Validated parameter values of one layer plugin: every declared parameter has a value of its declared
 * type (the default where none was given). Build with {@link #validate}.
 */
public final class LayerParams {
    private final String owner;
    private final Map<String, Object> values;

    private LayerParams(String owner, Map<String, Object> values) {
        this.owner = owner;
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Checks raw values against the plugin's specs: unknown names are rejected (listing the known ones),
     * values are parsed and range-checked, missing ones take their default.
     */
    public static LayerParams validate(String owner, List<ParamSpec> specs, Map<String, ?> raw) {
        Map<String, ParamSpec> byName = new LinkedHashMap<>();
        for (ParamSpec s : specs) byName.put(s.name(), s);
        for (String k : raw.keySet()) {
            if (!byName.containsKey(k)) {
                String known = byName.isEmpty() ? "(it takes no parameters)" : String.join(", ", byName.keySet());
                throw new PnnException("layer '" + owner + "' has no parameter '" + k + "'; its parameters are: " + known);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (ParamSpec s : specs) {
            Object v = raw.get(s.name());
            out.put(s.name(), v == null ? s.defaultValue() : s.parse(owner, v));
        }
        return new LayerParams(owner, out);
    }

    public String owner() {
        return owner;
    }

    /** All values in declaration order (for saving in run records). */
    public Map<String, Object> asMap() {
        return values;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    private Object get(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("layer '" + owner + "' declares no parameter '" + name + "'");
        }
        return v;
    }

    public int getInt(String name) {
        return ((Number) get(name)).intValue();
    }

    public double getDouble(String name) {
        return ((Number) get(name)).doubleValue();
    }

    public boolean getBoolean(String name) {
        return (Boolean) get(name);
    }

    public String getString(String name) {
        return get(name).toString();
    }

    @Override
    public String toString() {
        return owner + values.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
