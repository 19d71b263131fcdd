package org.pnnlab.experiments.train;

import com.google.inject.Binder;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;

/**
 * The training loop's extension points, as Guice bindings an experiment's module can fill:
 * <ul>
 *   <li>{@link #listeners} — extra {@link TrainListener}s, called after the standard ones;</li>
 *   <li>{@link #stepStrategy} — a {@link StepStrategy.Factory} that replaces the one chosen by the run's
 *       adversarial training (an experiment with a special objective binds its own here instead of editing the
 *       loop).</li>
 * </ul>
 */
public final class TrainingParts {
    private TrainingParts() {
    }

    /** Declares the extension points (idempotent; every experiment module calls it). */
    public static void declare(Binder binder) {
        listeners(binder);
        stepStrategy(binder);
    }

    public static Multibinder<TrainListener> listeners(Binder binder) {
        return Multibinder.newSetBinder(binder, TrainListener.class);
    }

    public static OptionalBinder<StepStrategy.Factory> stepStrategy(Binder binder) {
        return OptionalBinder.newOptionalBinder(binder, StepStrategy.Factory.class);
    }
}
