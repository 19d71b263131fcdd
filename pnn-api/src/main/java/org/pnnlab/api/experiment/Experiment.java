package org.pnnlab.api.experiment;

import com.google.inject.Module;

/**
 * A named experiment, found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/org.pnnlab.api.experiment.Experiment}). The runner builds a Guice injector
 * from its own module plus {@link #module()}; the experiment's module binds what its run needs (in the
 * standard runner: an {@code ExperimentSpec}).
 */
public interface Experiment {
    /** Stable name used on the command line and as the folder of its runs, e.g. {@code mnist-lenet-conv}. */
    String name();

    /** One line for {@code pnn list}. */
    String description();

    /** The bindings of this experiment. */
    Module module();
}
