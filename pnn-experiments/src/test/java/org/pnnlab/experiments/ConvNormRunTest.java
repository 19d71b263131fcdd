package org.pnnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.inject.Guice;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.experiment.ExperimentRegistry;
import org.pnnlab.api.run.RobustnessRecord;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;
import org.pnnlab.api.data.Normalization;
import org.pnnlab.layers.dl4j.ConvNorm;

/** Free adversarial training, the ConvNorm experiments end to end on the bundled MNIST subset, and bad input. */
class ConvNormRunTest {

    static Trainer trainer(Path runs, String experiment, String layer, RunOptions.TrainingOverrides t, int limit) {
        RunOptions o = new RunOptions(1, 32, null, 3L, null, layer, Map.of(), Map.of(), "mnist-subset", null, runs, false,
                limit, t, RunOptions.Conditions.NONE);
        var e = ExperimentRegistry.load().get(experiment);
        return Guice.createInjector(new CoreModule(o, Progress.NONE), e.module()).getInstance(Trainer.class);
    }

    @Test
    void freeTrainingReplaysEachBatchAndKeepsThePerturbationInTheBox(@TempDir Path runs) {
        Trainer t = trainer(runs, "fmnist-convnorm-robust", "convnorm", RunOptions.TrainingOverrides.NONE, 64);
        Trainer.Resolved r = t.resolve();
        assertTrue(r.adversarial().isFree());
        assertEquals(4, r.adversarial().repeats());
        ComputationGraph net = t.buildNetwork(r, 1, 28, 28, 10, 2);
        Normalization norm = new Normalization(new double[] {0.5}, new double[] {0.25});
        FreeAdversarialStep step = new FreeAdversarialStep(net, r.adversarial(), norm);
        Nd4j.getRandom().setSeed(5);
        INDArray pixels = Nd4j.rand(DataType.FLOAT, 8, 1, 28, 28);
        INDArray x = pixels.sub(0.5).divi(0.25);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 10);
        for (int i = 0; i < 8; i++) y.putScalar(i, i % 10, 1);
        INDArray before = net.params().dup();
        double loss = step.fit(x, y);
        assertTrue(Double.isFinite(loss) && loss > 0);
        assertEquals(4, net.getConfiguration().getIterationCount(), "one optimiser step per replay");
        assertEquals(4, net.getLayer("c1_convnorm").getParam(ConvNorm.COUNTER).getLong(0),
                "every replay is a training-mode forward");
        assertNotEquals(before, net.params());
        INDArray delta = step.lastPerturbation();
        assertTrue(delta.amaxNumber().doubleValue() <= r.adversarial().eps() + 1e-7, "δ stays in the eps box");
        assertTrue(delta.amaxNumber().doubleValue() > 0, "δ moved");
    }

    @Test
    void robustExperimentEndsWithFgsmAndPgdAndIsLabelledFreeAdv(@TempDir Path runs) {
        var o = new RunOptions.TrainingOverrides(null, null, null, null, null, null, null, null, null, 2, null, null,
                null, List.of("clean", "fgsm", "pgd"), null, 2, null);
        Path dir = trainer(runs, "fmnist-convnorm-robust", "conv", o, 96).run();
        RunRecord rec = RunStore.read(dir.resolve("run.json"));
        assertEquals(RunRecord.COMPLETED, rec.status());
        assertEquals("free-adv", rec.configuration().get("condition"));
        @SuppressWarnings("unchecked")
        Map<String, Object> adv = (Map<String, Object>) rec.configuration().get("adversarial");
        assertEquals("free", adv.get("method"));
        assertEquals(2, ((Number) adv.get("repeats")).intValue());
        List<String> names = rec.robustness().stream().map(RobustnessRecord::name).toList();
        assertTrue(names.contains("clean") && names.stream().anyMatch(n -> n.startsWith("fgsm"))
                && names.stream().anyMatch(n -> n.startsWith("pgd")), names.toString());
        for (RobustnessRecord e : rec.robustness()) assertEquals(1000, e.evaluated(), e.toString());
        RobustnessRecord fgsm = rec.robustness().stream().filter(e -> e.attack().equals("fgsm")).findFirst().orElseThrow();
        assertEquals(1, ((Number) fgsm.threat().get("steps")).intValue(), "FGSM is one step: " + fgsm.threat());
        assertEquals(false, fgsm.threat().get("randomStart"));
    }

    @Test
    void cifarExperimentsFollowTheReferenceRecipes(@TempDir Path runs) {
        Trainer t = trainer(runs, "cifar10-convnorm", "convnorm", RunOptions.TrainingOverrides.NONE, 0);
        Trainer.Resolved r = t.resolve();
        assertEquals("momentum", r.training().optimizer());
        assertEquals(0.1, r.learningRate());
        assertEquals(1e-4, r.training().weightDecay());
        assertEquals(0.1, r.training().learningRateAt(0.1, 40), 1e-12);
        assertEquals(0.01, r.training().learningRateAt(0.1, 41), 1e-12);
        assertEquals(0.001, r.training().learningRateAt(0.1, 81), 1e-12);
        ComputationGraph net = t.buildNetwork(r, 3, 32, 32, 10, 391);
        assertEquals(11_214_794L, org.pnnlab.models.ParamCounts.of(net).trainable(), "ResNet-18 with ConvNorm (spec 2.3)");
        Trainer robust = trainer(runs, "cifar10-convnorm-robust", "conv", RunOptions.TrainingOverrides.NONE, 0);
        Trainer.Resolved rr = robust.resolve();
        assertEquals(4, rr.adversarial().repeats());
        assertEquals(8 / 255.0, rr.adversarial().eps(), 1e-12);
        assertEquals(8 / 255.0, rr.adversarial().fgsmStep(), 1e-12);
        assertEquals(2 / 255.0, rr.adversarial().step(), 1e-12);
        assertEquals(20, rr.adversarial().steps());
        assertEquals(0.01, rr.training().learningRateAt(0.1, 11), 1e-12);
        assertEquals(11_173_962L, org.pnnlab.models.ParamCounts.of(robust.buildNetwork(rr, 3, 32, 32, 10, 391)).trainable());
    }
}
