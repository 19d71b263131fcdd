package org.pnnlab.layers.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The checks every layer plugin must pass, usable from any module's tests (Java or Kotlin): a numeric
 * gradient check in double precision, a configuration JSON round trip, a ModelSerializer round trip, and the
 * input gradient after an evaluation-mode forward pass (what attacks use) against finite differences.
 */
public final class LayerContracts {
    private LayerContracts() {
    }

    /** The plugin's layers followed by a softmax output layer, in double precision. */
    public static MultiLayerNetwork network(List<? extends Layer> layers, InputType in, int classes, IUpdater updater,
                                            long seed) {
        NeuralNetConfiguration.ListBuilder lb = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE)
                .seed(seed).updater(updater).list();
        for (Layer l : layers) lb.layer(l.clone());
        lb.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                .activation(Activation.SOFTMAX).build());
        lb.setInputType(in);
        MultiLayerNetwork net = new MultiLayerNetwork(lb.build());
        net.init();
        return net;
    }

    public static DataSet randomData(InputType.InputTypeConvolutional in, int n, int classes, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.rand(DataType.DOUBLE, n, in.getChannels(), in.getHeight(), in.getWidth()).subi(0.5).muli(2);
        INDArray y = Nd4j.zeros(DataType.DOUBLE, n, classes);
        for (int i = 0; i < n; i++) y.putScalar(i, i % classes, 1.0);
        return new DataSet(x, y);
    }

    /** Numeric gradient check of every parameter (training mode) in double precision. */
    public static void gradientCheck(List<? extends Layer> layers, InputType.InputTypeConvolutional in) {
        gradientCheck(layers, in, java.util.Set.of());
    }

    /**
     * Numeric gradient check (training mode, double precision) of every parameter except fixed ones and those
     * named in {@code skipped} (plain parameter names, in any layer): for parameters whose training-mode
     * gradient deliberately leaves out a path, such as ConvNorm's weight, whose normaliser is a constant.
     */
    public static void gradientCheck(List<? extends Layer> layers, InputType.InputTypeConvolutional in,
                                     java.util.Set<String> skipped) {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            MultiLayerNetwork net = network(layers, in, 3, new NoOp(), 12345);
            DataSet ds = randomData(in, 4, 3, 42);
            // fixed (untrained) values get a zero update by design; DL4J's checker applies the updater
            // before comparing, so they are left out. Trainable masks are checked like any weight.
            java.util.Set<String> fixed = new java.util.HashSet<>();
            for (int i = 0; i < net.getnLayers(); i++) {
                var conf = net.getLayer(i).conf().getLayer();
                if (conf instanceof org.pnnlab.api.ParamKinds kinds) {
                    for (String p : net.getLayer(i).paramTable().keySet()) {
                        if (kinds.kindOf(p) == org.pnnlab.api.ParamKind.FIXED
                                || skipped.contains(p.substring(p.lastIndexOf('.') + 1))) fixed.add(i + "_" + p);
                    }
                }
            }
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).excludeParams(fixed)
                    .input(ds.getFeatures()).labels(ds.getLabels()).epsilon(1e-6).maxRelError(1e-5)
                    .minAbsoluteError(1e-9).print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false));
            assertTrue(ok, "gradient check failed for " + layers);
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    /** toJson -> fromJson -> toJson gives the same text and an equal configuration. */
    public static MultiLayerConfiguration jsonRoundTrip(List<? extends Layer> layers, InputType in) {
        MultiLayerConfiguration conf = network(layers, in, 3, new Adam(1e-3), 1).getLayerWiseConfigurations();
        String json = conf.toJson();
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertEquals(json, back.toJson(), "JSON round trip changed the configuration");
        assertEquals(conf, back, "configuration not equal after the JSON round trip");
        return back;
    }

    /**
     * Trains a step, saves with ModelSerializer (with updater), restores, and checks parameters, outputs
     * and one more training step agree exactly.
     */
    public static void serializerRoundTrip(List<? extends Layer> layers, InputType.InputTypeConvolutional in,
                                           File dir) {
        MultiLayerNetwork net = network(layers, in, 3, new Adam(1e-2), 7);
        DataSet ds = randomData(in, 5, 3, 9);
        net.fit(ds);
        File f = new File(dir, "model.zip");
        try {
            ModelSerializer.writeModel(net, f, true);
            MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f, true);
            assertEquals(net.params(), back.params(), "parameters differ after restore");
            assertEquals(net.output(ds.getFeatures(), false), back.output(ds.getFeatures(), false),
                    "outputs differ after restore");
            assertEquals(net.getLayerWiseConfigurations().toJson(), back.getLayerWiseConfigurations().toJson());
            net.fit(ds);
            back.fit(ds);
            assertEquals(net.params(), back.params(), "resumed training differs after restore");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The input gradient after an evaluation-mode forward pass equals central finite differences of the
     * evaluation-mode output, in double precision: L = Σ out·g for a random g, every input value perturbed by
     * ±1e-6. The layers first run one training-mode forward, so that running statistics and other state are
     * not at their initial values. Catches layers that overwrite their input in evaluation mode (DL4J's
     * ActivationLayer does, so its backward pass takes the derivative at the activated values).
     */
    public static void inferenceInputGradient(List<? extends Layer> layers, InputType.InputTypeConvolutional in) {
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            LayerStack stack = new LayerStack(layers, in, 5);
            Nd4j.getRandom().setSeed(17);
            INDArray x = Nd4j.randn(DataType.DOUBLE, 2, in.getChannels(), in.getHeight(), in.getWidth());
            stack.forward(x.dup(), true);
            INDArray y = stack.forward(x.dup(), false);
            INDArray g = Nd4j.randn(DataType.DOUBLE, y.shape());
            INDArray dx = stack.backward(g, new java.util.HashMap<>()).dup();
            double h = 1e-6;
            INDArray flat = x.reshape(x.length());
            INDArray fd = Nd4j.zeros(DataType.DOUBLE, x.length());
            for (long i = 0; i < x.length(); i++) { // one perturbed forward pair per input value
                double v = flat.getDouble(i);
                flat.putScalar(i, v + h);
                double plus = stack.forward(x.dup(), false).mul(g).sumNumber().doubleValue();
                flat.putScalar(i, v - h);
                double minus = stack.forward(x.dup(), false).mul(g).sumNumber().doubleValue();
                flat.putScalar(i, v);
                fd.putScalar(i, (plus - minus) / (2 * h));
            }
            double scale = Math.max(1e-3, fd.amaxNumber().doubleValue());
            double err = dx.reshape(dx.length()).sub(fd).amaxNumber().doubleValue();
            assertTrue(err <= 1e-5 * scale, "input gradient after an evaluation-mode forward differs from finite "
                    + "differences by " + err + " (largest gradient " + scale + ") for " + layers);
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }
}
