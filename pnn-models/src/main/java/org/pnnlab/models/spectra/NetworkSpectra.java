package org.pnnlab.models.spectra;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pnnlab.api.capability.ChannelScale;
import org.pnnlab.api.capability.LinearConvolution;
import org.pnnlab.api.run.EpochSpectra;
import org.pnnlab.api.run.LayerSpectrum;

/**
 * The layer spectra of a network: for every layer offering {@link LinearConvolution}, at the input size the network
 * gives it, the largest singular values of its inference map by {@link PowerIteration} (its own padding and stride),
 * the same with the scale of a following {@link ChannelScale} layer (batch norm) folded in, and, for a layer whose map
 * is one convolution kernel, the exact values of that kernel as a stride-1 circular convolution
 * ({@link CircularSpectrum}) with and without the scale. Layers are taken in the network's topological order.
 */
public final class NetworkSpectra {
    /** How many of the largest values are recorded per map. */
    public static final int COUNT = 3;
    // σ to about 0.1 %: enough to compare layers and epochs, and cheap enough to run every epoch
    private static final int MAX_ITERATIONS = 60;
    private static final double TOLERANCE = 1e-3;
    private static final long SEED = 0x5EC7;

    private NetworkSpectra() {
    }

    /**
     * The spectra of {@code net}'s convolution-like layers (an empty list when it has none), for the network's
     * input types (a DL4J configuration does not keep them).
     */
    public static EpochSpectra measure(ComputationGraph net, InputType... networkInputs) {
        ComputationGraphConfiguration conf = net.getConfiguration();
        // on a copy: the call may add preprocessors to the configuration it walks
        Map<String, InputType> types = conf.clone().getLayerActivationTypes(true, networkInputs);
        Map<String, List<String>> inputs = conf.getVertexInputs();
        List<LayerSpectrum> out = new ArrayList<>();
        for (int idx : net.topologicalSortOrder()) {
            GraphVertex v = net.getVertices()[idx];
            if (!v.hasLayer() || !(v.getLayer() instanceof LinearConvolution op)) continue;
            String name = v.getVertexName();
            List<String> in = inputs.get(name);
            InputType t = in == null || in.size() != 1 ? null : inputType(in.get(0), types, conf, networkInputs);
            if (!(t instanceof InputType.InputTypeConvolutional c)) continue;
            out.add(layer(name, op, scaleAfter(net, name, inputs), c.getHeight(), c.getWidth()));
        }
        return EpochSpectra.of(out);
    }

    private static @Nullable InputType inputType(String vertex, Map<String, InputType> types,
                                                 ComputationGraphConfiguration conf, InputType[] networkInputs) {
        InputType t = types.get(vertex);
        if (t != null) return t;
        int i = conf.getNetworkInputs().indexOf(vertex);
        return i >= 0 && i < networkInputs.length ? networkInputs[i] : null;
    }

    /** The per-channel scale of the one layer fed by {@code name} alone, when it offers one; else null. */
    private static @Nullable INDArray scaleAfter(ComputationGraph net, String name, Map<String, List<String>> inputs) {
        INDArray found = null;
        for (Map.Entry<String, List<String>> e : inputs.entrySet()) {
            if (!e.getValue().contains(name)) continue;
            Layer l = net.getVertex(e.getKey()).hasLayer() ? net.getVertex(e.getKey()).getLayer() : null;
            if (e.getValue().size() != 1 || !(l instanceof ChannelScale s)) return null;
            if (found != null) return null;
            found = s.inferenceScale();
        }
        return found;
    }

    /** The spectrum of one layer at input size {@code h × w}; {@code scale} the following channel scale or null. */
    public static LayerSpectrum layer(String name, LinearConvolution op, @Nullable INDArray scale, long h, long w) {
        long in = op.geometry().inChannels();
        long[] shape = {in, h, w};
        var dtype = op.inferenceKernel() != null ? op.inferenceKernel().dataType()
                : scale != null ? scale.dataType() : org.nd4j.linalg.api.buffer.DataType.FLOAT;
        PowerIteration.LinearMap plain = new PowerIteration.LinearMap(shape, op::applyLinear,
                y -> op.applyAdjoint(y, h, w));
        List<Double> operator = list(PowerIteration.largest(plain, COUNT, MAX_ITERATIONS, TOLERANCE, SEED, dtype));
        List<Double> folded = null;
        if (scale != null) {
            INDArray s = scale.reshape(1, scale.length(), 1, 1);
            PowerIteration.LinearMap scaled = new PowerIteration.LinearMap(shape,
                    x -> op.applyLinear(x).muli(s.castTo(x.dataType())),
                    y -> op.applyAdjoint(y.mul(s.castTo(y.dataType())), h, w));
            folded = list(PowerIteration.largest(scaled, COUNT, MAX_ITERATIONS, TOLERANCE, SEED, dtype));
        }
        List<Double> circular = null;
        List<Double> circularFolded = null;
        INDArray kernel = op.inferenceKernel();
        if (kernel != null) {
            circular = list(CircularSpectrum.largest(kernel, h, w, COUNT));
            if (scale != null) {
                INDArray k = kernel.castTo(scale.dataType()).mul(scale.reshape(scale.length(), 1, 1, 1));
                circularFolded = list(CircularSpectrum.largest(k, h, w, COUNT));
            }
        }
        return new LayerSpectrum(name, h, w, operator, folded, circular, circularFolded);
    }

    private static List<Double> top(double[] values) {
        return list(Arrays.copyOf(values, Math.min(COUNT, values.length)));
    }

    private static List<Double> list(double[] values) {
        List<Double> l = new ArrayList<>(values.length);
        for (double d : values) l.add(d);
        return l;
    }
}
