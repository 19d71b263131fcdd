package org.pnnlab.api;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.pnnlab.api.plugin.PluginServices;
import org.pnnlab.api.plugin.PluginServices.Provided;
import org.pnnlab.api.plugin.Plugins;

/**
 * All layer plugins visible to a class loader, by id. Two plugins claiming one id is an error at load time
 * naming both classes and their jars; asking for an unknown id is an error listing the known ones.
 */
public final class LayerRegistry {
    private final Map<String, Provided<LayerPlugin>> plugins;

    private LayerRegistry(Map<String, Provided<LayerPlugin>> plugins) {
        this.plugins = Collections.unmodifiableMap(plugins);
    }

    /** Plugins found through {@link Plugins#loader()}: the installed plugin jars, else the application class path. */
    public static LayerRegistry load() {
        return load(Plugins.loader());
    }

    /** Plugins found through this class loader (e.g. {@link Plugins#classLoader()}). */
    public static LayerRegistry load(ClassLoader loader) {
        return new LayerRegistry(checked(PluginServices.load(LayerPlugin.class, loader, "layer plugin")));
    }

    /** A registry of exactly these plugins (tests, embedding). */
    public static LayerRegistry of(Collection<? extends LayerPlugin> list) {
        List<Provided<LayerPlugin>> provided = new ArrayList<>();
        for (LayerPlugin p : list) provided.add(new Provided<>(p, Plugins.origin(p.getClass())));
        return new LayerRegistry(checked(provided));
    }

    private static Map<String, Provided<LayerPlugin>> checked(List<Provided<LayerPlugin>> provided) {
        for (Provided<LayerPlugin> pp : provided) {
            String id = pp.service().id();
            if (id.isBlank() || !id.equals(id.trim()) || id.contains(" ")) {
                throw new PnnException("layer plugin " + pp.describe() + " has an invalid id '" + id + "'");
            }
        }
        return PluginServices.byKey(provided, LayerPlugin::id, "layer plugin", "id");
    }

    public LayerPlugin get(String id) {
        Provided<LayerPlugin> p = plugins.get(id);
        if (p == null) {
            throw new PnnException("unknown layer '" + id + "'; known layers: " + String.join(", ", plugins.keySet())
                    + " (for a plugin's layer, put its jar in " + Plugins.WHERE + ")");
        }
        return p.service();
    }

    public boolean contains(String id) {
        return plugins.containsKey(id);
    }

    /** Where the plugin with this id came from: its jar's file name, or {@value PluginServices#BUILT_IN}. */
    public String origin(String id) {
        get(id);
        return plugins.get(id).origin();
    }

    /** Ids in alphabetical order. */
    public List<String> ids() {
        return List.copyOf(plugins.keySet());
    }

    public Collection<LayerPlugin> plugins() {
        return plugins.values().stream().map(Provided::service).toList();
    }
}
