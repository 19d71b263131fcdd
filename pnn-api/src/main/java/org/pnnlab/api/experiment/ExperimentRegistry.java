package org.pnnlab.api.experiment;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import org.pnnlab.api.PnnException;

/** Experiments visible to a class loader, by name. */
public final class ExperimentRegistry {
    private final Map<String, Experiment> experiments;

    private ExperimentRegistry(Map<String, Experiment> experiments) {
        this.experiments = Collections.unmodifiableMap(experiments);
    }

    public static ExperimentRegistry load() {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return of(ServiceLoader.load(Experiment.class, cl != null ? cl : ExperimentRegistry.class.getClassLoader())
                .stream().map(ServiceLoader.Provider::get).toList());
    }

    public static ExperimentRegistry of(Collection<? extends Experiment> list) {
        Map<String, Experiment> map = new TreeMap<>();
        for (Experiment e : list) {
            Experiment old = map.put(e.name(), e);
            if (old != null) {
                throw new PnnException("two experiments claim the name '" + e.name() + "': "
                        + old.getClass().getName() + " and " + e.getClass().getName());
            }
        }
        return new ExperimentRegistry(map);
    }

    public Experiment get(String name) {
        Experiment e = experiments.get(name);
        if (e == null) {
            throw new PnnException("unknown experiment '" + name + "'; known experiments: "
                    + String.join(", ", experiments.keySet()) + " (see 'pnn list')");
        }
        return e;
    }

    public List<String> names() {
        return List.copyOf(experiments.keySet());
    }

    public Collection<Experiment> all() {
        return experiments.values();
    }
}
