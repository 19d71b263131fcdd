package org.pnnlab.api;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * All layer plugins visible to a class loader, by id. Two plugins claiming one id is an error at load time
 * naming both classes; asking for an unknown id is an error listing the known ones.
 */
public final class LayerRegistry {
    private final Map<String, LayerPlugin> plugins;

    private LayerRegistry(Map<String, LayerPlugin> plugins) {
        this.plugins = Collections.unmodifiableMap(plugins);
    }

    /** Plugins found through the thread's context class loader (the application class path). */
    public static LayerRegistry load() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return load(cl != null ? cl : LayerRegistry.class.getClassLoader());
    }

    public static LayerRegistry load(ClassLoader loader) {
        List<LayerPlugin> found;
        try {
            found = ServiceLoader.load(LayerPlugin.class, loader).stream().map(ServiceLoader.Provider::get).toList();
        } catch (ServiceConfigurationError e) {
            throw new PnnException("a layer plugin could not be loaded: " + e.getMessage(), e);
        }
        return of(found);
    }

    /** A registry of exactly these plugins (tests, embedding). */
    public static LayerRegistry of(Collection<? extends LayerPlugin> list) {
        Map<String, LayerPlugin> map = new TreeMap<>();
        for (LayerPlugin p : list) {
            String id = p.id();
            if (id.isBlank() || !id.equals(id.trim()) || id.contains(" ")) {
                throw new PnnException("layer plugin " + p.getClass().getName() + " has an invalid id '" + id + "'");
            }
            LayerPlugin old = map.put(id, p);
            if (old != null) {
                throw new PnnException("two layer plugins claim the id '" + id + "': " + old.getClass().getName()
                        + " and " + p.getClass().getName() + "; remove one of them from the class path");
            }
        }
        return new LayerRegistry(map);
    }

    public LayerPlugin get(String id) {
        LayerPlugin p = plugins.get(id);
        if (p == null) {
            throw new PnnException("unknown layer '" + id + "'; known layers: " + String.join(", ", plugins.keySet()));
        }
        return p;
    }

    public boolean contains(String id) {
        return plugins.containsKey(id);
    }

    /** Ids in alphabetical order. */
    public List<String> ids() {
        return List.copyOf(plugins.keySet());
    }

    public Collection<LayerPlugin> plugins() {
        return plugins.values();
    }
}
