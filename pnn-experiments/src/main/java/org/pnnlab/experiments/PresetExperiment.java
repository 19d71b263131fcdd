package org.pnnlab.experiments;

import com.google.inject.AbstractModule;
import com.google.inject.Binder;
import com.google.inject.Module;
import org.pnnlab.api.experiment.Experiment;
import org.pnnlab.api.experiment.Preset;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.experiments.train.TrainingParts;

/**
 * An experiment defined by a {@link RunConfig} preset. Its module binds the preset and declares the training loop's
 * extension points ({@link TrainingParts}); a subclass that needs its own step strategy, listeners or evaluators
 * overrides {@link #bindParts(Binder)}.
 */
public abstract class PresetExperiment implements Experiment {
    private final String description;

    protected PresetExperiment(String description) {
        this.description = description;
    }

    /** The configuration the experiment's runs start from; its {@code experiment} is the experiment's name. */
    @Override
    public abstract RunConfig preset();

    @Override
    public String name() {
        return preset().experiment();
    }

    @Override
    public String description() {
        return description;
    }

    /** Binds an experiment's own training parts through {@link TrainingParts}; none by default. */
    protected void bindParts(Binder binder) {
    }

    @Override
    public Module module() {
        RunConfig preset = preset();
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(RunConfig.class).annotatedWith(Preset.class).toInstance(preset);
                TrainingParts.declare(binder());
                bindParts(binder());
            }
        };
    }
}
