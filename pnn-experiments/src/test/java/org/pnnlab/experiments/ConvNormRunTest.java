package org.pnnlab.experiments;

import org.pnnlab.api.run.AdversarialTraining;
import org.pnnlab.api.run.LayerChoice;
import org.pnnlab.api.run.Optimizer;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.run.ThreatSpec;
import org.pnnlab.experiments.train.ConfigResolver;
import org.pnnlab.experiments.train.FreeAdversarialStep;
import org.pnnlab.experiments.train.NetworkBuilder;

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

    static RunConfig preset(String experiment, String layer) {
        RunConfig c = ExperimentRegistry.load().get(experiment).preset();
        return c.withModel(c.model().withLayer(LayerChoice.of(layer)));
    }

    @Test
    void freeTrainingReplaysEachBatchAndKeepsThePerturbationInTheBox() {
        RunConfig c = CoreModule.injector(null).getInstance(ConfigResolver.class)
                .resolve(preset("fmnist-convnorm-robust", "convnorm"));
        AdversarialTraining.Free free = (AdversarialTraining.Free) c.adversarial();
        assertEquals(4, free.repeats());
        ComputationGraph net = CoreModule.injector(null).getInstance(NetworkBuilder.class)
                .build(c, new int[] {1, 28, 28}, 10, 2);
        Normalization norm = new Normalization(new double[] {0.5}, new double[] {0.25});
        FreeAdversarialStep step = new FreeAdversarialStep(net, free, norm);
        Nd4j.getRandom().setSeed(5);
        INDArray pixels = Nd4j.rand(DataType.FLOAT, 8, 1, 28, 28);
        INDArray x = pixels.sub(0.5).divi(0.25);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 10);
        for (int i = 0; i < 8; i++) y.putScalar(i, i % 10, 1);
        INDArray before = net.params().dup();
        double loss = step.fit(x, y, 0);
        assertTrue(Double.isFinite(loss) && loss > 0);
        assertEquals(4, net.getConfiguration().getIterationCount(), "one optimiser step per replay");
        assertEquals(4, net.getLayer("c1_convnorm").getParam(ConvNorm.COUNTER).getLong(0),
                "every replay is a training-mode forward");
        assertNotEquals(before, net.params());
        INDArray delta = step.lastPerturbation();
        assertTrue(delta.amaxNumber().doubleValue() <= free.eps() + 1e-7, "δ stays in the eps box");
        assertTrue(delta.amaxNumber().doubleValue() > 0, "δ moved");
    }

    @Test
    void robustExperimentEndsWithFgsmAndPgdAndIsLabelledFreeAdv(@TempDir Path runs) {
        RunConfig c = preset("fmnist-convnorm-robust", "conv");
        c = c.withData(c.data().withDataset("mnist-subset").withTrainLimit(96))
                .withOptim(c.optim().withBatchSize(32).withEpochs(1)).withSeed(3)
                .withAdversarial(((AdversarialTraining.Free) c.adversarial()).withRepeats(2))
                .withEvaluation(c.evaluation().withAttacks(List.of("clean", "fgsm", "pgd")).withThreat(
                        c.evaluationThreat().withSteps(2)).withSquareQueries(50));
        Path dir = TestRuns.train(c, runs);
        RunRecord rec = RunStore.read(dir.resolve("run.json"));
        assertEquals(RunRecord.COMPLETED, rec.status());
        assertEquals("free-adv", rec.config().condition().label());
        assertEquals(new AdversarialTraining.Free(0.1, 0.1, 2), rec.config().adversarial());
        List<String> names = rec.robustness().stream().map(RobustnessRecord::name).toList();
        assertTrue(names.contains("clean") && names.stream().anyMatch(n -> n.startsWith("fgsm"))
                && names.stream().anyMatch(n -> n.startsWith("pgd")), names.toString());
        for (RobustnessRecord e : rec.robustness()) assertEquals(1000, e.evaluated(), e.toString());
        RobustnessRecord fgsm = rec.robustness().stream().filter(e -> e.attack().equals("fgsm")).findFirst().orElseThrow();
        assertEquals(1, ((Number) fgsm.threat().get("steps")).intValue(), "FGSM is one step: " + fgsm.threat());
        assertEquals(false, fgsm.threat().get("randomStart"));
        RobustnessRecord pgd = rec.robustness().stream().filter(e -> e.attack().equals("pgd")).findFirst().orElseThrow();
        assertEquals(2, ((Number) pgd.threat().get("steps")).intValue());
        assertEquals(0.025, ((Number) pgd.threat().get("step")).doubleValue(), 1e-12, "eps/4 of free training");
    }

    @Test
    void cifarExperimentsFollowTheReferenceRecipes() {
        RunConfig c = preset("cifar10-convnorm", "convnorm");
        assertEquals(Optimizer.MOMENTUM, c.optim().optimizer());
        assertEquals(0.1, c.optim().learningRate());
        assertEquals(1e-4, c.optim().weightDecay());
        assertEquals(0.1, c.optim().learningRateAt(40), 1e-12);
        assertEquals(0.01, c.optim().learningRateAt(41), 1e-12);
        assertEquals(0.001, c.optim().learningRateAt(81), 1e-12);
        var injector = CoreModule.injector(null);
        ComputationGraph net = injector.getInstance(NetworkBuilder.class).build(
                injector.getInstance(ConfigResolver.class).resolve(c), new int[] {3, 32, 32}, 10, 391);
        assertEquals(11_214_794L, org.pnnlab.models.ParamCounts.of(net).trainable(), "ResNet-18 with ConvNorm (spec 2.3)");
        RunConfig robust = preset("cifar10-convnorm-robust", "conv");
        assertEquals(new AdversarialTraining.Free(8 / 255.0, 8 / 255.0, 4), robust.adversarial());
        assertEquals(new ThreatSpec(8 / 255.0, 2 / 255.0, 20), robust.evaluationThreat());
        assertEquals(0.01, robust.optim().learningRateAt(11), 1e-12);
        assertEquals(11_173_962L, org.pnnlab.models.ParamCounts.of(injector.getInstance(NetworkBuilder.class).build(
                injector.getInstance(ConfigResolver.class).resolve(robust), new int[] {3, 32, 32}, 10, 391)).trainable());
    }

    /** ResNet-18 parameter counts of the comparison's methods (spec 2.3): ONI adds its scales, SN only state. */
    @Test
    void resnet18WithSnAndOniConvolutionsHasTheReferenceParameterCounts() {
        var injector = CoreModule.injector(null);
        for (var expected : Map.of("oni-conv", 11_178_762L, "sn-conv", 11_173_962L).entrySet()) {
            ComputationGraph net = injector.getInstance(NetworkBuilder.class).build(injector.getInstance(ConfigResolver.class)
                    .resolve(preset("cifar10-convnorm", expected.getKey())), new int[] {3, 32, 32}, 10, 391);
            assertEquals(expected.getValue(), org.pnnlab.models.ParamCounts.of(net).trainable(), expected.getKey());
        }
    }
}
