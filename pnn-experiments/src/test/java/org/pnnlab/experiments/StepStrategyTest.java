package org.pnnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.ParamKind;
import org.pnnlab.api.data.Normalization;
import org.pnnlab.api.run.AdversarialTraining;
import org.pnnlab.api.run.ThreatSpec;
import org.pnnlab.experiments.train.PgdAdversarialStep;
import org.pnnlab.experiments.train.StandardStep;
import org.pnnlab.experiments.attack.CrossEntropy;
import org.pnnlab.layers.dl4j.HeavyBallSgd;
import org.pnnlab.layers.feedback.FeedbackNetworkLayer;
import org.pnnlab.models.ModelRegistry;
import org.pnnlab.models.ModelSpec;
import org.pnnlab.models.ParamCounts;

/**
 * The hand-driven optimisation step: its update is lr times the gradient of the stated objective (checked by
 * finite differences along random directions, double precision), weight decay is added after clipping, clipping
 * bounds the global norm, and adversarial examples stay inside the threat model.
 */
class StepStrategyTest {
    static final Normalization NORM = Normalization.of(0.5, 0.5);

    @BeforeAll
    static void doubles() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    static ComputationGraph net(String model, Map<String, Object> options, double lr, double wd) {
        ModelSpec ms = new ModelSpec(model, 1, 28, 28, 10, "conv", Map.of(), "conv", Map.of(), options, 5);
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.DOUBLE)
                .updater(HeavyBallSgd.of(lr, 0.9));
        if (wd > 0) b.l2(wd).l2Bias(wd);
        Nd4j.getRandom().setSeed(5);
        ComputationGraph net = new ComputationGraph(ModelRegistry.load().get(model).build(ms, LayerRegistry.load(), b));
        net.init();
        return net;
    }

    static List<INDArray[]> trainable(ComputationGraph net) {
        List<INDArray[]> out = new ArrayList<>();
        for (Layer l : net.getLayers()) {
            for (var e : l.paramTable().entrySet()) {
                if (ParamCounts.kindOf(l, e.getKey()) == ParamKind.TRAINABLE) out.add(new INDArray[] {e.getValue()});
            }
        }
        return out;
    }

    static INDArray batch(int n, long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.DOUBLE, n, 1, 28, 28).muli(2).subi(1);
    }

    static INDArray labels(int n) {
        INDArray idx = Nd4j.createFromArray(new long[n]);
        for (int i = 0; i < n; i++) idx.putScalar(i, (3 * i + 1) % 10);
        return CrossEntropy.oneHot(idx, 10, DataType.DOUBLE);
    }

    /**
     * Checks {@code g·u ≈ dL/dε (p + εu)} for random directions u over the trainable parameters, where g is the
     * applied step divided by lr (first heavy-ball step: v = g).
     */
    static void assertStepIsGradient(ComputationGraph net, DoubleSupplier loss, Runnable step, double lr) {
        List<INDArray[]> params = trainable(net);
        List<INDArray> before = new ArrayList<>();
        for (INDArray[] p : params) before.add(p[0].dup());
        step.run();
        List<INDArray> g = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) g.add(before.get(i).sub(params.get(i)[0]).divi(lr));
        for (int i = 0; i < params.size(); i++) params.get(i)[0].assign(before.get(i));
        for (int trial = 0; trial < 3; trial++) {
            Nd4j.getRandom().setSeed(100 + trial);
            double analytic = 0;
            List<INDArray> u = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                INDArray d = Nd4j.randn(DataType.DOUBLE, before.get(i).shape());
                u.add(d);
                analytic += g.get(i).mul(d).sumNumber().doubleValue();
            }
            double eps = 1e-6;
            for (int i = 0; i < params.size(); i++) params.get(i)[0].assign(before.get(i).add(u.get(i).mul(eps)));
            double plus = loss.getAsDouble();
            for (int i = 0; i < params.size(); i++) params.get(i)[0].assign(before.get(i).sub(u.get(i).mul(eps)));
            double minus = loss.getAsDouble();
            for (int i = 0; i < params.size(); i++) params.get(i)[0].assign(before.get(i));
            double numeric = (plus - minus) / (2 * eps);
            assertEquals(numeric, analytic, 1e-5 * Math.max(1, Math.abs(numeric)), "direction " + trial);
        }
    }

    @Test
    void plainNetworkStepsAlongTheWeightedCleanPlusAdversarialObjective() {
        ComputationGraph net = net("lenet", Map.of("nfilters", 4, "linear", 16, "dropout", 0.0), 0.5, 0);
        var adv = new AdversarialTraining.Pgd(new ThreatSpec(0.1, 0.04, 2), true, 0.3, 0.1);
        PgdAdversarialStep step = new PgdAdversarialStep(net, adv, 0, NORM, 1);
        INDArray x = batch(6, 1);
        INDArray xa = batch(6, 2);
        INDArray y = labels(6);
        DoubleSupplier loss = () -> {
            // (λc·CE(clean) + CE(adv)) / 2, each a mean over the batch, in training mode (batch statistics)
            INDArray both = Nd4j.concat(0, x, xa);
            INDArray logits = net.feedForward(new INDArray[] {both}, true, false).get("logits");
            INDArray ce = CrossEntropy.perSample(logits, Nd4j.concat(0, y, y));
            double c = ce.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 6)).meanNumber().doubleValue();
            double a = ce.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(6, 12)).meanNumber().doubleValue();
            return (0.3 * c + a) / 2;
        };
        double expected = loss.getAsDouble();
        assertEquals(expected, step.fit(x, xa, y), 1e-9, "the reported loss is the objective");
        ComputationGraph fresh = net("lenet", Map.of("nfilters", 4, "linear", 16, "dropout", 0.0), 0.5, 0);
        PgdAdversarialStep s2 = new PgdAdversarialStep(fresh, adv, 0, NORM, 1);
        DoubleSupplier freshLoss = () -> {
            INDArray both = Nd4j.concat(0, x, xa);
            INDArray logits = fresh.feedForward(new INDArray[] {both}, true, false).get("logits");
            INDArray ce = CrossEntropy.perSample(logits, Nd4j.concat(0, y, y));
            return (0.3 * ce.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 6)).meanNumber().doubleValue()
                    + ce.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(6, 12)).meanNumber().doubleValue()) / 2;
        };
        assertStepIsGradient(fresh, freshLoss, () -> s2.fit(x, xa, y), 0.5);
    }

    @Test
    void cnnfStepsAlongTheObjectivePlusWeightDecay() {
        double lr = 0.01;
        double wd = 5e-4;
        Map<String, Object> o = Map.of("ind", 2, "cycles", 1, "res", 0.1);
        var adv = new AdversarialTraining.Pgd(new ThreatSpec(0.1, 0.04, 2), true, 0.1, 0.1);
        INDArray x = batch(3, 3);
        INDArray xa = batch(3, 4);
        INDArray y = labels(3);
        // the objective's own gradient (checked against the reference in CnnfGoldenTest), on a twin network
        ComputationGraph twin = net("cnnf", o, lr, 0);
        twin.initGradientsView();
        double value = ((FeedbackNetworkLayer) twin.getLayer("logits"))
                .objective(x, xa, y, new FeedbackNetworkLayer.ObjectiveWeights(0.1, 0.1, true)).loss();
        INDArray g = twin.getFlattenedGradients().dup();
        ComputationGraph net = net("cnnf", o, lr, 0);
        INDArray start = net.params().dup();
        assertEquals(value, new PgdAdversarialStep(net, adv, 0, NORM, 1).fit(x, xa, y), 1e-12);
        INDArray applied = start.sub(net.params()).divi(lr);
        assertEquals(0, applied.sub(g.reshape(applied.shape())).amaxNumber().doubleValue(), 1e-9 * g.amaxNumber().doubleValue());
        // a second step uses the parameters the first one wrote (the graphs must not keep stale copies)
        INDArray p1 = net.params().dup();
        new PgdAdversarialStep(net, adv, 0, NORM, 1).fit(x, xa, y);
        twin.setParams(p1);
        ((FeedbackNetworkLayer) twin.getLayer("logits")).objective(x, xa, y, new FeedbackNetworkLayer.ObjectiveWeights(0.1, 0.1, true));
        INDArray g2 = twin.getFlattenedGradients().reshape(applied.shape());
        INDArray applied2 = p1.sub(net.params()).divi(lr); // = 0.9·g + g2 (heavy ball)
        assertEquals(0, applied2.sub(g2.add(applied.mul(0.9))).amaxNumber().doubleValue(), 1e-9 * g2.amaxNumber().doubleValue());

        // with weight decay the first step is lr·(g + wd·p): decay on every parameter, biases included
        ComputationGraph a = net("cnnf", o, lr, 0);
        ComputationGraph b = net("cnnf", o, lr, wd);
        INDArray p0 = b.params().dup();
        new PgdAdversarialStep(a, adv, 0, NORM, 1).fit(x, xa, y);
        new PgdAdversarialStep(b, adv, 0, NORM, 1).fit(x, xa, y);
        INDArray expected = a.params().sub(p0.mul(lr * wd));
        assertEquals(0, expected.sub(b.params()).amaxNumber().doubleValue(), 1e-12);
    }

    @Test
    void clippingBoundsTheGlobalNormOfTheStep() {
        ComputationGraph net = net("lenet", Map.of("nfilters", 4, "linear", 16, "dropout", 0.0), 1.0, 0);
        StandardStep step = new StandardStep(net, 1e-3);
        List<INDArray[]> params = trainable(net);
        List<INDArray> before = new ArrayList<>();
        for (INDArray[] p : params) before.add(p[0].dup());
        step.fit(batch(8, 7), labels(8), 0);
        double sq = 0;
        for (int i = 0; i < params.size(); i++) {
            double n = before.get(i).sub(params.get(i)[0]).norm2Number().doubleValue();
            sq += n * n;
        }
        ComputationGraph twin = net("lenet", Map.of("nfilters", 4, "linear", 16, "dropout", 0.0), 1.0, 0);
        INDArray twinBefore = twin.params().dup();
        new StandardStep(twin, 0).fit(batch(8, 7), labels(8), 0);
        assertTrue(twinBefore.sub(twin.params()).norm2Number().doubleValue() > 1e-2,
                "the unclipped step is larger than the bound");
        assertEquals(1e-3, Math.sqrt(sq), 1e-8);
    }

    @Test
    void adversarialExamplesStayInTheThreatModel() {
        ComputationGraph net = net("cnnf", Map.of("ind", 2, "cycles", 1, "res", 0.1), 0.01, 0);
        var adv = new AdversarialTraining.Pgd(new ThreatSpec(0.1, 0.04, 3), true, 0.1, 0.1);
        PgdAdversarialStep step = new PgdAdversarialStep(net, adv, 0, NORM, 1);
        INDArray x = batch(4, 9).muli(1.2); // some inputs outside [-1, 1] before the attack's clipping
        INDArray xa = step.adversarialExamples(x, labels(4), 11);
        // in model units ([-1, 1] for pixels in [0, 1]) the radius 0.1 pixels is 0.2
        INDArray clipped = org.nd4j.linalg.ops.transforms.Transforms.min(org.nd4j.linalg.ops.transforms.Transforms.max(x, -1.0), 1.0);
        assertTrue(xa.sub(clipped).amaxNumber().doubleValue() <= 0.2 + 1e-9);
        assertTrue(xa.amaxNumber().doubleValue() <= 1 + 1e-12);
        assertTrue(xa.sub(clipped).amaxNumber().doubleValue() > 0.05, "the attack moved the images");
        assertEquals(0, xa.sub(step.adversarialExamples(x, labels(4), 11)).amaxNumber().doubleValue(), "same seed, same images");
    }
}
