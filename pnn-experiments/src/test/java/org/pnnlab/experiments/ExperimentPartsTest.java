package org.pnnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Binder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;
import org.pnnlab.experiments.train.Position;
import org.pnnlab.experiments.train.RunContext;
import org.pnnlab.experiments.train.RunLauncher;
import org.pnnlab.experiments.train.StandardStep;
import org.pnnlab.experiments.train.StepStrategy;
import org.pnnlab.experiments.train.TrainListener;
import org.pnnlab.experiments.train.TrainingParts;

/** An experiment's module brings its own training parts; the loop uses them without being edited. */
class ExperimentPartsTest {
    static final List<String> EVENTS = new ArrayList<>();

    /** An experiment with its own step strategy (counting steps) and its own listener. */
    static final class Custom extends PresetExperiment {
        Custom() {
            super("a test experiment with its own parts");
        }

        @Override
        public RunConfig preset() {
            return TestRuns.small("mnist-lenet-conv", 128, 1, 1, 8).withExperiment("custom-parts");
        }

        @Override
        protected void bindParts(Binder binder) {
            TrainingParts.stepStrategy(binder).setBinding().toInstance((net, config, norm, terms) -> {
                StepStrategy standard = new StandardStep(net, 0);
                return (x, y, iteration) -> {
                    EVENTS.add("step " + iteration);
                    return standard.fit(x, y, iteration);
                };
            });
            TrainingParts.listeners(binder).addBinding().toInstance(new TrainListener() {
                @Override
                public void onEpochEnd(RunContext run, EpochRecord epoch, Position next) {
                    EVENTS.add("epoch " + epoch.epoch() + " recorded " + run.journal().record().epochs().size());
                }
            });
        }
    }

    @Test
    void theExperimentsStepStrategyAndListenerAreUsed(@TempDir Path runs) {
        Custom e = new Custom();
        assertEquals("custom-parts", e.name());
        assertEquals(e.preset(), org.pnnlab.api.experiment.Experiment.class.cast(e).preset());
        EVENTS.clear();
        Path dir = CoreModule.injector(e).getInstance(RunLauncher.class).start(e.preset(), TestRuns.workspace(runs));
        assertEquals(List.of("step 0", "step 1", "epoch 1 recorded 1"), EVENTS,
                "two steps of 64, then the standard record writer before the experiment's listener");
        RunRecord r = RunStore.read(dir.resolve("run.json"));
        assertEquals(RunRecord.COMPLETED, r.status());
        assertTrue(dir.startsWith(runs.resolve("custom-parts")));
    }
}
