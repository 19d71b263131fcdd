package org.pnnlab.api.experiment;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.plugin.PluginServices;
import org.pnnlab.api.plugin.PluginServices.Provided;
import org.pnnlab.api.plugin.Plugins;

/** Experiments visible to a class loader, by name; an experiment can come from a plugin jar. */
public final class ExperimentRegistry {
    private final Map<String, Provided<Experiment>> experiments;

    private ExperimentRegistry(Map<String, Provided<Experiment>> experiments) {
        this.experiments = Collections.unmodifiableMap(experiments);
    }

    /** Experiments found through {@link Plugins#loader()}. */
    public static ExperimentRegistry load() {
        return load(Plugins.loader());
    }

    /** Experiments found through this class loader (e.g. {@link Plugins#classLoader()}). */
    public static ExperimentRegistry load(ClassLoader loader) {
        return new ExperimentRegistry(PluginServices.byKey(PluginServices.load(Experiment.class, loader, "experiment"),
                Experiment::name, "experiment", "name"));
    }

    public static ExperimentRegistry of(Collection<? extends Experiment> list) {
        List<Provided<Experiment>> provided = new ArrayList<>();
        for (Experiment e : list) provided.add(new Provided<>(e, Plugins.origin(e.getClass())));
        return new ExperimentRegistry(PluginServices.byKey(provided, Experiment::name, "experiment", "name"));
    }

    public Experiment get(String name) {
        Provided<Experiment> e = experiments.get(name);
        if (e == null) {
            throw new PnnException("unknown experiment '" + name + "'; known experiments: "
                    + String.join(", ", experiments.keySet()) + " (see 'pnn list')");
        }
        return e.service();
    }

    /** Where the experiment came from: its jar's file name, or {@value PluginServices#BUILT_IN}. */
    public String origin(String name) {
        get(name);
        return experiments.get(name).origin();
    }

    public List<String> names() {
        return List.copyOf(experiments.keySet());
    }

    public Collection<Experiment> all() {
        return experiments.values().stream().map(Provided::service).toList();
    }
}
