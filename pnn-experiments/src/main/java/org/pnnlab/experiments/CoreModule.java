package org.pnnlab.experiments;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.models.ModelRegistry;

/** Bindings every run needs: the registries, the user's options and the progress display. */
public final class CoreModule extends AbstractModule {
    private final RunOptions options;
    private final Progress progress;

    public CoreModule(RunOptions options, Progress progress) {
        this.options = options;
        this.progress = progress;
    }

    @Override
    protected void configure() {
        bind(RunOptions.class).toInstance(options);
        bind(Progress.class).toInstance(progress);
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
}
