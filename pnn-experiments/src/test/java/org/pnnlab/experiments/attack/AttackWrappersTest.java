package org.pnnlab.experiments.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.api.PnnException;

/** Expectation over transformation and restarts, on a linear softmax model. */
class AttackWrappersTest {
    static final int D = 12, K = 4, N = 64;

    /** The model with fresh Gaussian noise (sd 1) on its logits and gradients at every call: test-time randomness. */
    static final class NoisyTarget implements AttackTarget {
        final AttackTarget model;
        int calls;

        NoisyTarget(AttackTarget model) {
            this.model = model;
        }

        private static INDArray noisy(INDArray a) {
            return a.add(Nd4j.randn(a.dataType(), a.shape()));
        }

        @Override
        public INDArray logits(INDArray x) {
            calls++;
            return noisy(model.logits(x));
        }

        @Override
        public INDArray lossGradient(INDArray x, INDArray labelsOneHot) {
            calls++;
            return noisy(model.lossGradient(x, labelsOneHot));
        }
    }

    static INDArray inputs() {
        Nd4j.getRandom().setSeed(3);
        return Nd4j.rand(DataType.DOUBLE, N, D);
    }

    static INDArray labels() {
        int[] classes = java.util.stream.IntStream.range(0, N).map(i -> (7 * i + 1) % K).toArray();
        return CrossEntropy.oneHot(Nd4j.createFromArray(classes), K, DataType.DOUBLE);
    }

    @Test
    void eotAveragesTheDrawsOfARandomModel() {
        LinearSoftmaxTarget m = LinearSoftmaxTarget.random(D, K, 1, 1.0);
        INDArray x = inputs(), y = labels();
        INDArray truth = m.lossGradient(x, y);
        NoisyTarget noisy = new NoisyTarget(m);
        Nd4j.getRandom().setSeed(9);
        double oneDraw = Transforms.abs(noisy.lossGradient(x, y).sub(truth), false).meanNumber().doubleValue();
        ExpectationOverTransformation eot = new ExpectationOverTransformation(noisy, 100);
        noisy.calls = 0;
        double hundred = Transforms.abs(eot.lossGradient(x, y).sub(truth), false).meanNumber().doubleValue();
        assertEquals(100, noisy.calls, "one call per draw");
        // the error of a mean of 100 draws is a tenth of one draw's (sd 1 / sqrt 100)
        assertTrue(hundred < oneDraw / 5, hundred + " vs " + oneDraw);
        double logitsError = Transforms.abs(eot.logits(x).sub(m.logits(x)), false).meanNumber().doubleValue();
        assertTrue(logitsError < 0.2, "logits averaged too: " + logitsError);
        // on a deterministic model one draw is the model
        assertEquals(truth, new ExpectationOverTransformation(m, 1).lossGradient(x, y));
        assertTrue(new ExpectationOverTransformation(m, 3).lossGradient(x, y).equalsWithEps(truth, 1e-12));
        assertThrows(PnnException.class, () -> new ExpectationOverTransformation(m, 0));
    }

    @Test
    void restartsKeepTheWorstCasePerImage() {
        LinearSoftmaxTarget m = LinearSoftmaxTarget.random(D, K, 2, 1.0);
        INDArray x = inputs(), y = labels();
        Pgd pgd = new Pgd(ThreatModel.pgd(0.15, 0.04, 3, 0, 1));
        RobustnessEvaluator ev = new RobustnessEvaluator(16).withSeed(5);
        var once = ev.evaluate(m, new Restarts(pgd, 1), x, y);
        var five = ev.evaluate(m, new Restarts(pgd, 5), x, y);
        assertTrue(five.correct() <= once.correct(), five.describe() + " vs " + once.describe());
        // one restart is the attack itself with the first derived seed
        assertEquals(pgd.perturb(m, x, y, Ops.derive(11, 0)), new Restarts(pgd, 1).perturb(m, x, y, 11));
        // every result stays in the threat model
        INDArray adv = new Restarts(pgd, 5).perturb(m, x, y, 11);
        assertTrue(Transforms.abs(adv.sub(x), false).maxNumber().doubleValue() <= 0.15 + 1e-12);
        assertEquals(5, new Restarts(pgd, 5).settings().get("restarts"));
        assertThrows(PnnException.class, () -> new Restarts(pgd, 0));
    }
}
