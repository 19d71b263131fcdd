package org.pnnlab.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.ParamKind;
import org.pnnlab.api.PnnException;
import org.pnnlab.layers.dl4j.OniConv;
import org.pnnlab.layers.dl4j.ReparamConvLayer;
import org.pnnlab.layers.dl4j.ShiftedRelu;
import org.pnnlab.layers.dl4j.SpectralNormConv;
import org.pnnlab.layers.testing.LayerContracts;
import org.pnnlab.layers.testing.LayerStack;

/** Behaviour of sn-conv, oni-conv and the srelu activation beyond the golden cases and the plugin contracts. */
class ConvNormMethodsLayerTest {
    static final InputType.InputTypeConvolutional IN = (InputType.InputTypeConvolutional) InputType.convolutional(6, 6, 3);

    @BeforeAll
    static void doubles() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    static List<Layer> build(String id, Map<String, ?> params, int out) {
        return LayerRegistry.load().get(id).create(params, LayerContext.of("s", 3, out, 6, 6, 1)).layers();
    }

    /** conv2d of x with a kernel [O, I, k, k], for checking what a layer applies. */
    static INDArray conv(INDArray x, INDArray kernel, int stride, int padding) {
        int k = (int) kernel.size(2);
        long h = (x.size(2) + 2L * padding - k) / stride + 1;
        INDArray out = Nd4j.create(DataType.DOUBLE, x.size(0), kernel.size(0), h, h);
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, kernel).addOutputs(out)
                .addIntegerArguments(k, k, stride, stride, padding, padding, 1, 1, 0, 0, 1).build());
        return out;
    }

    /** Largest singular value of a matrix by many power-iteration steps (test-side reference). */
    static double largestSingularValue(INDArray m) {
        INDArray v = Nd4j.rand(DataType.DOUBLE, m.size(1), 1);
        for (int i = 0; i < 2000; i++) {
            v = m.transpose().mmul(m.mmul(v));
            v.divi(v.norm2Number());
        }
        return m.mmul(v).norm2Number().doubleValue();
    }

    @Test
    void spectralNormUAndVChangeOnlyInTrainingForwardsAndSurviveSaving(@TempDir File dir) throws Exception {
        List<Layer> layers = build("sn-conv", Map.of(), 4);
        assertEquals(2, layers.size(), "convolution + batch norm (with the activation)");
        SpectralNormConv conf = (SpectralNormConv) layers.get(0);
        assertEquals(ParamKind.STATISTIC, conf.kindOf(SpectralNormConv.U));
        assertEquals(ParamKind.STATISTIC, conf.kindOf(SpectralNormConv.V));
        MultiLayerNetwork net = LayerContracts.network(layers, IN, 3, new Adam(1e-2), 1);
        DataSet ds = LayerContracts.randomData(IN, 6, 3, 3);
        INDArray u0 = net.getLayer(0).getParam(SpectralNormConv.U).dup();
        INDArray v0 = net.getLayer(0).getParam(SpectralNormConv.V).dup();
        assertEquals(1.0, u0.norm2Number().doubleValue(), 1e-12, "u starts as a unit vector");
        net.output(ds.getFeatures(), false);
        assertEquals(u0, net.getLayer(0).getParam(SpectralNormConv.U), "an evaluation forward does not iterate");
        net.fit(ds);
        INDArray u1 = net.getLayer(0).getParam(SpectralNormConv.U).dup();
        assertNotEquals(u0, u1, "a training forward iterates");
        assertNotEquals(v0, net.getLayer(0).getParam(SpectralNormConv.V));
        File f = new File(dir, "sn.zip");
        ModelSerializer.writeModel(net, f, true);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f, true);
        assertEquals(u1, back.getLayer(0).getParam(SpectralNormConv.U), "u restored");
        assertEquals(net.getLayer(0).getParam(SpectralNormConv.V), back.getLayer(0).getParam(SpectralNormConv.V), "v restored");
        MultiLayerConfiguration json = MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());
        SpectralNormConv again = (SpectralNormConv) json.getConf(0).getLayer();
        assertEquals(1, again.getPowerIterations());
        assertEquals(List.of("W", "u", "v"), again.initializer().paramKeys(again), "u and v keep their place in the layout");
    }

    @Test
    void spectralNormInferenceKernelIsWOverSigmaAndHasSpectralNormOne() {
        LayerStack stack = new LayerStack(build("sn-conv", Map.of("batch_norm", false, "act", "identity",
                "power_iterations", 100), 4), IN, 3);
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 3, 6, 6);
        stack.forward(x, true); // 100 power-iteration steps: u and v at their fixed point
        var layer = (ReparamConvLayer<?>) stack.layer(0);
        INDArray kernel = layer.inferenceKernel();
        assertEquals(4, kernel.size(0));
        assertEquals(3, kernel.size(1));
        INDArray w = layer.getParam(SpectralNormConv.WEIGHT);
        INDArray u = layer.getParam(SpectralNormConv.U);
        INDArray v = layer.getParam(SpectralNormConv.V);
        double sigma = u.reshape(1, 4).mmul(w.reshape(4, 27)).mmul(v.reshape(27, 1)).getDouble(0);
        assertTrue(w.div(sigma).equalsWithEps(kernel, 1e-12), "W / (u . W v)");
        assertEquals(1.0, largestSingularValue(kernel.reshape(4, 27)), 1e-6, "W / sigma_max has spectral norm 1");
        assertTrue(conv(x, kernel, 1, 1).equalsWithEps(stack.forward(x, false), 1e-12), "the kernel evaluation applies");
        assertEquals(u, layer.getParam(SpectralNormConv.U), "inferenceKernel changes no state");
    }

    @Test
    void oniInferenceKernelIsTheAppliedOneAndOrthogonalisesWithMoreIterations() {
        // T = 10, not more: the uncoupled Newton iteration amplifies rounding errors (at T = 60 the rows are far
        // from orthonormal again)
        for (int out : new int[]{4, 40}) { // row variant (4 <= 27) and column variant (40 > 27)
            LayerStack stack = new LayerStack(build("oni-conv", Map.of("batch_norm", false, "act", "identity", "T", 10), out), IN, 3);
            var layer = (ReparamConvLayer<?>) stack.layer(0);
            assertEquals(out > 27, ((OniConv) layer.conf().getLayer()).columnVariant());
            INDArray scale = layer.getParam(OniConv.SCALE);
            assertEquals(1.414, scale.getDouble(0), 0.0);
            INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 3, 6, 6);
            INDArray kernel = layer.inferenceKernel();
            assertTrue(conv(x, kernel, 1, 1).equalsWithEps(stack.forward(x, false), 1e-12), "evaluation applies it");
            assertTrue(conv(x, kernel, 1, 1).equalsWithEps(stack.forward(x, true), 1e-12), "so does training");
            if (out <= 27) {
                INDArray w = kernel.reshape(out, 27).divi(1.414);
                assertTrue(w.mmul(w.transpose()).equalsWithEps(Nd4j.eye(out), 1e-3), "orthonormal rows: " + w.mmul(w.transpose()));
            }
        }
    }

    @Test
    void shiftedReluStartsAtMinusOneAndIsNeverWeightDecayed() {
        List<Layer> layers = build("conv", Map.of("act", "srelu"), 4);
        assertEquals(3, layers.size(), "conv, batch norm, shifted relu");
        NeuralNetConfiguration.ListBuilder lb = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .updater(new org.nd4j.linalg.learning.config.Sgd(0.0)).l2(0.5).l2Bias(0.5).list();
        for (Layer l : layers) lb.layer(l.clone());
        lb.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX).build());
        lb.setInputType(IN);
        MultiLayerNetwork net = new MultiLayerNetwork(lb.build());
        net.init();
        INDArray b = net.getLayer(2).getParam(ShiftedRelu.SHIFT);
        assertTrue(b.equalsWithEps(Nd4j.valueArrayOf(new long[]{4}, -1.0, DataType.DOUBLE), 0), "b starts at -1");
        assertTrue(net.getLayer(2).conf().getLayer().getRegularizationByParam(ShiftedRelu.SHIFT).isEmpty(), "no decay on b");
        assertTrue(!net.getLayer(0).conf().getLayer().getRegularizationByParam("W").isEmpty(), "the conv weight is decayed");
        assertTrue(!net.getLayer(1).conf().getLayer().getRegularizationByParam("gamma").isEmpty(), "and batch norm's scale");
    }

    @Test
    void badSettingsNameTheParameter() {
        PnnException e = assertThrows(PnnException.class, () -> build("oni-conv", Map.of("T", 0), 4));
        assertTrue(e.getMessage().contains("'T'") && e.getMessage().contains("range"), e.getMessage());
        e = assertThrows(PnnException.class, () -> build("sn-conv", Map.of("power_iterations", 0), 4));
        assertTrue(e.getMessage().contains("power_iterations") && e.getMessage().contains("range"), e.getMessage());
        e = assertThrows(PnnException.class, () -> build("perturbation", Map.of("act", "srelu"), 6));
        assertTrue(e.getMessage().contains("srelu") && e.getMessage().contains("act"), e.getMessage());
        e = assertThrows(PnnException.class, () -> build("noise-original", Map.of("act", "srelu"), 6));
        assertTrue(e.getMessage().contains("no parameter 'act'"), e.getMessage());
    }
}
