package org.pnnlab.models;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.pnnlab.api.PnnException;
import org.pnnlab.layers.dl4j.Activations;
import org.pnnlab.layers.dl4j.BatchNorm;
import org.pnnlab.layers.dl4j.Conv2d;
import org.pnnlab.layers.dl4j.OutOfPlaceActivation;
import org.pnnlab.layers.dl4j.Pool2d;

/** Building blocks shared by the ResNet-style models: pooling, shortcuts, residual joins and the head. */
final class Blocks {
    private Blocks() {
    }

    /** A square pooling window; average pooling counts the zero padding in the divisor (PyTorch's default). */
    static Pool2d pool(String name, Pool2d.Kind type, int kernel, int stride, int padding) {
        return Pool2d.of(name, type, kernel, stride, padding);
    }

    static Pool2d.Kind poolType(String name) {
        return name.equals("avg") ? Pool2d.Kind.AVG : Pool2d.Kind.MAX;
    }

    /** Checks that a kernel-k pooling (no padding) fits the current activation. */
    static void requireFits(GraphChain chain, String model, String where, int kernel) {
        InputType.InputTypeConvolutional t = chain.asCnn(where);
        if (t.getHeight() < kernel || t.getWidth() < kernel) {
            throw new PnnException("model " + model + ": at " + where + " the activation is " + t.getHeight() + "x"
                    + t.getWidth() + ", too small for a " + kernel + "x" + kernel + " pooling; use a larger input");
        }
    }

    static BatchNorm bn(String name, long channels, boolean relu) {
        return BatchNorm.of(name, channels, Activations.dl4j(relu ? "relu" : "identity"));
    }

    /**
     * The residual shortcut of a block starting at vertex {@code input}: the identity when
     * {@code stride == 1 && in == out}, otherwise a 1x1 convolution with that stride (no bias) and batch norm.
     * Returns the name of the shortcut's last vertex.
     */
    static String shortcut(GraphChain chain, String prefix, String input, long in, long out, int stride) {
        if (stride == 1 && in == out) return input;
        chain.from(input);
        chain.add(Conv2d.of(prefix + "_shortcut_conv", in, out, 1, stride, 0, false, -1));
        chain.add(bn(prefix + "_shortcut_bn", out, false));
        return chain.last();
    }

    /**
     * {@code relu(branch + shortcut)}, out of place: an element-wise sum vertex and a ReLU layer that does not
     * overwrite the sum (DL4J's ActivationLayer would, in evaluation mode).
     */
    static void join(GraphChain chain, String prefix, String branch, String shortcut) {
        chain.merge(prefix + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), branch, shortcut);
        chain.add(OutOfPlaceActivation.of(prefix + "_relu", new ActivationReLU()));
    }

    /**
     * Average pooling over the whole remaining map ({@code avgpool}; with a 3x32x32 input this is the reference's
     * kernel 4, or kernel 1 after a stride-2 first layer), then the linear classifier {@value ModelFactory#LOGITS}
     * and the softmax cross-entropy {@value ModelFactory#OUTPUT}.
     */
    static void head(GraphChain chain, ComputationGraphConfiguration.GraphBuilder g, int classes) {
        InputType.InputTypeConvolutional t = chain.asCnn("avgpool");
        chain.add(Pool2d.of("avgpool", Pool2d.Kind.AVG, new int[]{(int) t.getHeight(), (int) t.getWidth()},
                new int[]{1, 1}, new int[]{0, 0}));
        chain.add(new DenseLayer.Builder().nOut(classes).activation(Activation.IDENTITY).weightInit(WeightInit.UNIFORM)
                .name(ModelFactory.LOGITS).build());
        chain.add(new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX)
                .name(ModelFactory.OUTPUT).build());
        g.setOutputs(ModelFactory.OUTPUT);
    }

    /**
     * A convolution slot filled by a layer plugin with the model's structure: the plugin must take {@code kernel},
     * {@code stride}, {@code padding} and {@code act} parameters (as {@code conv} and {@code convnorm} do); the
     * user's parameters come on top of {@code defaults}, and the structure on top of both, except that a user's
     * {@code act} (for example {@code srelu}) replaces the model's nonlinearity in every slot that has one (the
     * slots whose structural {@code act} is {@code identity} keep it).
     */
    static void convSlot(GraphChain chain, org.pnnlab.api.LayerRegistry registry, String model, String slot,
                         String layerId, java.util.Map<String, ?> userParams, java.util.Map<String, ?> defaults,
                         int out, int kernel, int stride, int padding, String act) {
        org.pnnlab.api.LayerPlugin plugin = registry.get(layerId);
        java.util.Set<String> declared = new java.util.HashSet<>();
        for (org.pnnlab.api.ParamSpec p : plugin.parameters()) declared.add(p.name());
        java.util.List<String> missing = java.util.stream.Stream.of("kernel", "stride", "padding", "act")
                .filter(k -> !declared.contains(k)).toList();
        if (!missing.isEmpty()) {
            throw new PnnException("model " + model + " places its layer in convolution slots of given kernel, stride, "
                    + "padding and activation, but layer plugin '" + layerId + "' has no parameter " + String.join(", ", missing)
                    + "; use a convolution-like plugin such as conv or convnorm");
        }
        java.util.Map<String, Object> params = new java.util.LinkedHashMap<>();
        defaults.forEach((k, v) -> {
            if (declared.contains(k)) params.put(k, v);
        });
        params.putAll(userParams);
        params.put("kernel", kernel);
        params.put("stride", stride);
        params.put("padding", padding);
        params.put("act", act.equals("identity") || !userParams.containsKey("act") ? act : userParams.get("act"));
        chain.slot(slot, layerId, params, out);
    }
}
