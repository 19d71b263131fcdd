package org.pnnlab.experiments;

import com.google.inject.AbstractModule;
import com.google.inject.Module;
import org.pnnlab.api.experiment.Experiment;

/** An experiment defined by one {@link ExperimentSpec}; its module binds that spec. */
public abstract class SpecExperiment implements Experiment {
    protected abstract ExperimentSpec spec();

    @Override
    public String name() {
        return spec().name();
    }

    @Override
    public String description() {
        return spec().description();
    }

    @Override
    public Module module() {
        ExperimentSpec s = spec();
        return new AbstractModule() {
            @Override
            protected void configure() {
                bind(ExperimentSpec.class).toInstance(s);
            }
        };
    }
}
