package org.pnnlab.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.DataConfig;
import org.pnnlab.api.run.LayerChoice;
import org.pnnlab.api.run.ModelConfig;
import org.pnnlab.api.run.RegularisationConfig;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.models.ocnn.OcnnTerm;
import org.pnnlab.models.ocnn.OcnnTermProvider;
import org.pnnlab.models.ocnn.OrthogonalityTarget;
import org.pnnlab.models.ocnn.OrthogonalityTarget.Distance;

/** Which kernels the OCNN term constrains per model, and that its gradient is the derivative of its value. */
class OcnnTargetsTest {
    private static RunConfig config(String model, String layer, double lambda) {
        return RunConfig.of("t", DataConfig.of("mnist-subset"), ModelConfig.everySlot(model, Map.of(), LayerChoice.of(layer)))
                .withRegularisation(new RegularisationConfig(lambda));
    }

    @Test
    void resnet18TakesExactlyTheReferenceTerms() {
        for (String conv : List.of("builtin", "convnorm")) {
            ComputationGraph net = ModelTesting.build("resnet18", 3, conv.equals("builtin") ? 16 : 32, "conv", "conv", Map.of(), Map.of(),
                    Map.of("nfilters", 4, "conv", conv), DataType.FLOAT);
            OcnnTerm t = (OcnnTerm) new OcnnTermProvider().create(net, config("resnet18", "conv", 1e-3));
            assertNotNull(t);
            List<OrthogonalityTarget> targets = t.targets();
            assertEquals(11, targets.size(), conv + ": " + targets);
            assertEquals(8, targets.stream().filter(x -> x.distance() == Distance.DECONV).count());
            assertEquals(3, targets.stream().filter(x -> x.distance() == Distance.DECONV && x.stride() == 2).count());
            assertEquals(3, targets.stream().filter(x -> x.distance() == Distance.ORTH
                    && x.layer().startsWith("layer") && x.layer().contains("_0_shortcut")).count());
            assertEquals(0, targets.stream().filter(x -> x.layer().contains("conv2") || x.layer().startsWith("conv1")).count());
        }
    }

    @Test
    void otherModelsTakeEveryConvolutionAndOffIsNoTerm() {
        ComputationGraph net = ModelTesting.build("simple_cnn", 1, 28, "conv", "conv", Map.of(), Map.of(), Map.of(),
                DataType.FLOAT);
        OcnnTerm t = (OcnnTerm) new OcnnTermProvider().create(net, config("simple_cnn", "conv", 1e-3));
        assertEquals(6, t.targets().size());
        assertEquals(6, t.targets().stream().filter(x -> x.distance() == Distance.DECONV && x.stride() == 1).count());
        assertNull(new OcnnTermProvider().create(net, config("simple_cnn", "conv", 0)));
    }

    @Test
    void aModelWithNothingToRegulariseIsOneClearError() {
        ComputationGraph net = ModelTesting.build("lenet", 1, 28, "perturbation", "perturbation", Map.of(), Map.of(),
                Map.of(), DataType.FLOAT);
        PnnException e = assertThrows(PnnException.class,
                () -> new OcnnTermProvider().create(net, config("lenet", "perturbation", 1e-3)));
        assertEquals(true, e.getMessage().contains("--ocnn"), e.getMessage());
    }

    @Test
    void theTermAddsTheDerivativeOfItsValueScaledByTheBatch() {
        ComputationGraph net = ModelTesting.build("simple_cnn", 1, 12, "conv", "conv", Map.of(), Map.of(), Map.of(),
                DataType.DOUBLE);
        net.initGradientsView();
        OcnnTerm t = (OcnnTerm) new OcnnTermProvider().create(net, config("simple_cnn", "conv", 0.5));
        net.getGradientsViewArray().assign(0);
        double value = t.addGradient(8);
        assertEquals(0.5 * t.distance(), value, 1e-12);
        INDArray w = net.getLayer("c2_conv").getParam("W");
        INDArray g = net.getLayer("c2_conv").getGradientsViewArray().dup(); // W is the layer's first parameter
        double h = 1e-6;
        for (long[] at : new long[][]{{0, 0, 0, 0}, {3, 5, 2, 1}, {7, 2, 1, 1}}) {
            double old = w.getDouble(at);
            w.putScalar(at, old + h);
            double up = t.distance();
            w.putScalar(at, old - h);
            double down = t.distance();
            w.putScalar(at, old);
            long flat = ((at[0] * w.size(1) + at[1]) * w.size(2) + at[2]) * w.size(3) + at[3];
            assertEquals(8 * 0.5 * (up - down) / (2 * h), g.getDouble(flat), 1e-5, java.util.Arrays.toString(at));
        }
    }
}
