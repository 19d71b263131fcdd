package org.pnnlab.models;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.plugin.PluginServices;
import org.pnnlab.api.plugin.PluginServices.Provided;
import org.pnnlab.api.plugin.Plugins;

/** The model factories visible to a class loader, by name; a model can come from a plugin jar. */
public final class ModelRegistry {
    private final Map<String, Provided<ModelFactory>> models;

    private ModelRegistry(Map<String, Provided<ModelFactory>> models) {
        this.models = models;
    }

    /** Models found through {@link Plugins#loader()}. */
    public static ModelRegistry load() {
        return load(Plugins.loader());
    }

    /** Models found through this class loader (e.g. {@link Plugins#classLoader()}). */
    public static ModelRegistry load(ClassLoader loader) {
        return new ModelRegistry(PluginServices.byKey(PluginServices.load(ModelFactory.class, loader, "model"),
                ModelFactory::name, "model", "name"));
    }

    public ModelFactory get(String name) {
        Provided<ModelFactory> f = models.get(name);
        if (f == null) {
            throw new PnnException("unknown model '" + name + "'; known models: " + String.join(", ", models.keySet()));
        }
        return f.service();
    }

    /** Where the model came from: its jar's file name, or {@value PluginServices#BUILT_IN}. */
    public String origin(String name) {
        get(name);
        return models.get(name).origin();
    }

    public List<String> names() {
        return List.copyOf(models.keySet());
    }

    public Collection<ModelFactory> all() {
        return models.values().stream().map(Provided::service).toList();
    }
}
