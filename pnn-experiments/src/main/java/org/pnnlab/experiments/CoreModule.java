package org.pnnlab.experiments;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.experiment.Experiment;
import org.pnnlab.experiments.attack.AttackRegistry;
import org.pnnlab.experiments.train.TrainingParts;
import org.pnnlab.models.ModelRegistry;

/** Bindings every run needs: the registries (layers, models, attacks) and the training loop's extension points. */
public final class CoreModule extends AbstractModule {

    /** An injector of the core bindings and, when given, an experiment's own. */
    public static Injector injector(@Nullable Experiment experiment) {
        return experiment == null ? Guice.createInjector(new CoreModule())
                : Guice.createInjector(new CoreModule(), experiment.module());
    }

    @Override
    protected void configure() {
        TrainingParts.declare(binder());
    }

    @Provides
    @Singleton
    LayerRegistry layers() {
        return LayerRegistry.load();
    }

    @Provides
    @Singleton
    ModelRegistry models() {
        return ModelRegistry.load();
    }

    @Provides
    @Singleton
    AttackRegistry attacks() {
        return AttackRegistry.load();
    }
}
