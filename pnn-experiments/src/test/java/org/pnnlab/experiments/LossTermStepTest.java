package org.pnnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.data.Normalization;
import org.pnnlab.api.run.AdversarialTraining;
import org.pnnlab.api.run.RegularisationConfig;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.train.LossTerm;
import org.pnnlab.experiments.train.ConfigResolver;
import org.pnnlab.experiments.train.LossTerms;
import org.pnnlab.experiments.train.NetworkBuilder;
import org.pnnlab.experiments.train.StepStrategy;
import org.pnnlab.models.ocnn.OcnnTerm;

/** The step strategies add the run's loss terms: to the reported loss and, scaled by the batch, to the gradient. */
class LossTermStepTest {
    private static RunConfig config(double ocnn) {
        RunConfig c = ConvNormRunTest.preset("fmnist-convnorm", "conv");
        return CoreModule.injector(null).getInstance(ConfigResolver.class)
                .resolve(c.withRegularisation(new RegularisationConfig(ocnn)).withOptim(c.optim().withBatchSize(8)));
    }

    private static ComputationGraph net(RunConfig c) {
        return CoreModule.injector(null).getInstance(NetworkBuilder.class).build(c, new int[] {1, 28, 28}, 10, 2);
    }

    private static INDArray[] batch() {
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.randn(DataType.FLOAT, 8, 1, 28, 28);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 8, 10);
        for (int i = 0; i < 8; i++) y.putScalar(i, i % 10, 1);
        return new INDArray[] {x, y};
    }

    @Test
    void theOcnnTermIsFoundForTheRunAndAddedByEveryStep() {
        RunConfig on = config(0.5);
        ComputationGraph a = net(on);
        ComputationGraph b = a.clone();
        LossTerms terms = LossTerms.forRun(a, on);
        assertEquals(1, terms.terms().size());
        assertEquals("ocnn", terms.terms().get(0).name());
        assertTrue(LossTerms.forRun(a, config(0)).isEmpty(), "off: no term");
        double distance = ((OcnnTerm) terms.terms().get(0)).distance();
        INDArray[] xy = batch();
        Normalization norm = new Normalization(new double[] {0}, new double[] {1});
        double withTerm = StepStrategy.standard(a, on, norm, terms).fit(xy[0], xy[1], 0);
        double without = StepStrategy.standard(b, on, norm, LossTerms.NONE).fit(xy[0], xy[1], 0);
        assertEquals(without + 0.5 * distance, withTerm, 1e-4, "the loss includes λ·D");
        assertNotEquals(a.params(), b.params(), "the term's gradient changes the update");
    }

    @Test
    void aPluginTermReachesTheFreeAdversarialStepOncePerReplay() {
        RunConfig c = config(0).withAdversarial(AdversarialTraining.Free.defaults().withRepeats(3));
        ComputationGraph a = net(c);
        AtomicInteger calls = new AtomicInteger();
        LossTerm constant = new LossTerm() {
            @Override
            public String name() {
                return "constant";
            }

            @Override
            public double addGradient(double gradientScale) {
                assertEquals(8, gradientScale, "the batch");
                calls.incrementAndGet();
                return 2.0;
            }
        };
        INDArray[] xy = batch();
        Normalization norm = new Normalization(new double[] {0.5}, new double[] {0.25});
        ComputationGraph b = a.clone();
        double with = StepStrategy.standard(a, c, norm, new LossTerms(List.of(constant))).fit(xy[0], xy[1], 0);
        double without = StepStrategy.standard(b, c, norm, LossTerms.NONE).fit(xy[0], xy[1], 0);
        assertEquals(3, calls.get());
        assertEquals(without + 2.0, with, 1e-4, "the mean loss of the replays includes the term");
    }
}
