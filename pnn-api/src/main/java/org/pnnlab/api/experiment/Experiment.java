package org.pnnlab.api.experiment;

import com.google.inject.Guice;
import com.google.inject.Key;
import com.google.inject.Module;
import org.pnnlab.api.run.RunConfig;

/**
 * A named experiment, found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/org.pnnlab.api.experiment.Experiment}), also from plugin jars. Its Guice
 * {@link #module()} binds the experiment's preset ({@link RunConfig} annotated {@link Preset}) and, where the
 * experiment needs them, its own training parts (a step strategy, listeners, evaluators) through the training
 * loop's multibinders; the runner adds its own module beside it.
 */
public interface Experiment {
    /** Stable name used on the command line and as the folder of its runs, e.g. {@code mnist-lenet-conv}. */
    String name();

    /** One line for {@code pnn list}. */
    String description();

    /** The bindings of this experiment: at least its preset. */
    Module module();

    /** The preset this experiment's module binds. */
    default RunConfig preset() {
        return Guice.createInjector(module()).getInstance(Key.get(RunConfig.class, Preset.class));
    }
}
