package org.pnnlab.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.pnnlab.layers.dl4j.HeavyBallSgd;
import org.pnnlab.layers.dl4j.IterationDecay;

class HeavyBallSgdTest {

    @Test
    void followsClassicalMomentumNotNesterov() {
        HeavyBallSgd cfg = HeavyBallSgd.of(0.5, 0.9);
        INDArray state = Nd4j.zeros(DataType.DOUBLE, 1, 3);
        GradientUpdater<?> u = cfg.instantiate(state, true);
        double[][] grads = {{1, -2, 0.5}, {0.25, 1, -1}, {3, 0, 2}};
        double[] v = new double[3];
        for (int t = 0; t < grads.length; t++) {
            INDArray g = Nd4j.createFromArray(grads[t]).reshape(1, 3);
            u.applyUpdater(g, t, 0);
            for (int i = 0; i < 3; i++) {
                v[i] = 0.9 * v[i] + grads[t][i];
                assertEquals(0.5 * v[i], g.getDouble(0, i), 1e-15, "step " + t + " element " + i);
            }
        }
    }

    @Test
    void polyScheduleIsReadPerIteration() {
        IterationDecay poly = IterationDecay.poly(0.05, 0.9, 100);
        HeavyBallSgd cfg = HeavyBallSgd.of(poly, 0.0);
        INDArray g = Nd4j.ones(DataType.DOUBLE, 1, 2);
        cfg.instantiate((INDArray) null, true).applyUpdater(g, 40, 0);
        assertEquals(0.05 * Math.pow(1 - 40 / 100.0, 0.9), g.getDouble(0), 1e-15);
    }

    @Test
    void networkStepAddsL2BeforeMomentumAndSurvivesJson() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).dataType(DataType.DOUBLE)
                .updater(HeavyBallSgd.of(IterationDecay.poly(0.1, 0.9, 10), 0.9))
                .l2(5e-4).l2Bias(5e-4).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(3).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        MultiLayerNetwork net = new MultiLayerNetwork(back);
        net.init();
        INDArray x = Nd4j.rand(DataType.DOUBLE, 5, 4);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, 5, 2);
        for (int i = 0; i < 5; i++) y.putScalar(i, i % 2, 1);
        INDArray v = Nd4j.zeros(DataType.DOUBLE, net.numParams());
        for (int t = 0; t < 3; t++) {
            INDArray p0 = net.params().dup();
            net.setInput(x);
            net.setLabels(y);
            net.computeGradientAndScore();
            // DL4J's loss gradients are sums over the batch; its updater divides them by the batch size
            INDArray g = net.gradient().gradient().dup().reshape(net.numParams()).divi(5);
            net.fit(x, y);
            v.muli(0.9).addi(g.add(p0.reshape(net.numParams()).mul(5e-4)));
            double lr = 0.1 * Math.pow(1 - t / 10.0, 0.9);
            INDArray expected = p0.reshape(net.numParams()).sub(v.mul(lr));
            assertEquals(0, expected.sub(net.params().reshape(net.numParams())).amaxNumber().doubleValue(), 1e-12,
                    "step " + t);
        }
    }

    @Test
    void cosineEndsNearZero() {
        IterationDecay c = IterationDecay.cos(2.0, 50);
        assertEquals(2.0, c.valueAt(0, 0), 1e-15);
        assertEquals(2.0 * (1e-5 + (1 - 1e-5) * 0.5), c.valueAt(25, 0), 1e-15);
        assertEquals(2e-5, c.valueAt(50, 0), 1e-15);
        assertEquals(0.0, IterationDecay.poly(1, 0.9, 50).valueAt(60, 0));
    }

    @Test
    void rejectsMomentumOutsideItsRange() {
        assertThrows(IllegalArgumentException.class, () -> HeavyBallSgd.of(0.1, 1.0));
        assertThrows(IllegalArgumentException.class, () -> HeavyBallSgd.of(0.1, -0.1));
    }
}
