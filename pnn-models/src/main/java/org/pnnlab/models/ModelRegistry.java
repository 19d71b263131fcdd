package org.pnnlab.models;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.pnnlab.api.PnnException;

/** The model factories visible to a class loader, by name. */
public final class ModelRegistry {
    private final Map<String, ModelFactory> models;

    private ModelRegistry(Map<String, ModelFactory> models) {
        this.models = models;
    }

    public static ModelRegistry load() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        Map<String, ModelFactory> m = new TreeMap<>();
        for (ModelFactory f : ServiceLoader.load(ModelFactory.class, cl != null ? cl : ModelRegistry.class.getClassLoader())) {
            ModelFactory old = m.put(f.name(), f);
            if (old != null) {
                throw new PnnException("two models claim the name '" + f.name() + "': " + old.getClass().getName()
                        + " and " + f.getClass().getName());
            }
        }
        return new ModelRegistry(m);
    }

    public ModelFactory get(String name) {
        ModelFactory f = models.get(name);
        if (f == null) {
            throw new PnnException("unknown model '" + name + "'; known models: " + String.join(", ", models.keySet()));
        }
        return f;
    }

    public List<String> names() {
        return List.copyOf(models.keySet());
    }

    public Collection<ModelFactory> all() {
        return models.values();
    }
}
