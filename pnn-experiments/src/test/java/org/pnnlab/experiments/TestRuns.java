package org.pnnlab.experiments;

import java.nio.file.Path;
import java.util.Map;
import org.pnnlab.api.experiment.ExperimentRegistry;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.experiments.train.RunLauncher;
import org.pnnlab.experiments.train.Workspace;

/** Real runs on the bundled MNIST subset for the tests. */
public final class TestRuns {
    private TestRuns() {
    }

    /** The preset of {@code experiment} on the bundled subset with small settings. */
    public static RunConfig small(String experiment, int limit, int epochs, long seed, int filters) {
        RunConfig c = ExperimentRegistry.load().get(experiment).preset();
        return c.withData(c.data().withDataset("mnist-subset").withTrainLimit(limit))
                .withOptim(c.optim().withEpochs(epochs).withBatchSize(64))
                .withModel(c.model().withOptions(Map.of("nfilters", filters))).withSeed(seed);
    }

    public static RunLauncher launcher(RunConfig c) {
        var experiments = ExperimentRegistry.load();
        return CoreModule.injector(experiments.names().contains(c.experiment()) ? experiments.get(c.experiment()) : null)
                .getInstance(RunLauncher.class);
    }

    /** Trains {@code c} under {@code runs} (no downloads); returns the run folder. */
    public static Path train(RunConfig c, Path runs) {
        return launcher(c).start(c, workspace(runs));
    }

    public static Workspace workspace(Path runs) {
        return Workspace.of(runs).withDataDir(runs, false);
    }
}
