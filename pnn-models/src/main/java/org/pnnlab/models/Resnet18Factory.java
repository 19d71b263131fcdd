package org.pnnlab.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.api.capability.ConvolutionGeometry;
import org.pnnlab.models.ocnn.OrthogonalityTarget;
import org.pnnlab.layers.dl4j.Conv2d;

/**
 * {@code resnet18}, the reproduction's baseline (spec 2.1): ordinary 3x3 convolutions (no bias) with batch
 * norm, four stages of two BasicBlocks (widths nf, 2nf, 4nf, 8nf; stride 2 at the start of stages 2-4,
 * 1x1 convolution + batch norm projection shortcuts where the shape changes), average pooling over the
 * remaining map (kernel 4 for a 32x32 input) and a linear classifier. It uses no layer plugin: the layer
 * choices of the spec are ignored.
 *
 * <p>BasicBlock(in, out, s): conv3x3(s) - BN - ReLU - conv3x3 - BN - add shortcut - ReLU. Vertex names:
 * {@code conv1, bn1, layer<i>_<j>_conv1, _bn1, _conv2, _bn2, _shortcut_conv, _shortcut_bn, _add, _relu,
 * avgpool, logits, output}.
 */
public final class Resnet18Factory implements ModelFactory {
    static final String BUILTIN = "builtin";

    static final List<ParamSpec> OPTIONS = List.of(
            ParamSpec.intParam("nfilters", 64, 1, 4096, "width of the first stage (stages: nf, 2nf, 4nf, 8nf)"),
            ParamSpec.choiceParam("conv", BUILTIN, List.of(BUILTIN, "layer", "conv", "convnorm"), "what fills every "
                    + "convolution + batch norm, the 1x1 shortcuts included: builtin (plain conv + BN), layer (the run's "
                    + "--layer, any convolution-like plugin), or the plugin conv or convnorm"));

    @Override
    public String name() {
        return "resnet18";
    }

    @Override
    public String description() {
        return "ResNet-18 for CIFAR; conv=builtin (default) ignores the layer choice, conv=layer puts --layer in every conv + BN";
    }

    @Override
    public List<ParamSpec> options() {
        return OPTIONS;
    }

    @Override
    public ComputationGraphConfiguration build(ModelSpec spec, LayerRegistry registry, NeuralNetConfiguration.Builder base) {
        LayerParams o = LayerParams.validate("model resnet18", OPTIONS, spec.options());
        int nf = o.getInt("nfilters");
        String conv = o.getString("conv");
        if (!conv.equals(BUILTIN)) return slotted(spec, registry, base, nf, conv.equals("layer") ? spec.layer() : conv);
        InputType in = InputType.convolutional(spec.height(), spec.width(), spec.channels());
        ComputationGraphConfiguration.GraphBuilder g = base.graphBuilder().addInputs("input").setInputTypes(in);
        GraphChain chain = new GraphChain(g, registry, "input", in, spec.seed());
        chain.add(Conv2d.of("conv1", spec.channels(), nf, 3, 1, 1, false, -1));
        chain.add(Blocks.bn("bn1", nf, true));
        int width = nf;
        for (int stage = 1; stage <= 4; stage++) {
            int out = nf << (stage - 1);
            for (int b = 0; b < 2; b++) {
                int stride = stage > 1 && b == 0 ? 2 : 1;
                basicBlock(chain, "layer" + stage + "_" + b, width, out, stride);
                width = out;
            }
        }
        Blocks.head(chain, g, spec.classes());
        return g.build();
    }

    /** The same network with every convolution + batch norm a slot of the plugin {@code layerId}. */
    private static ComputationGraphConfiguration slotted(ModelSpec spec, LayerRegistry registry,
                                                         NeuralNetConfiguration.Builder base, int nf, String layerId) {
        InputType in = InputType.convolutional(spec.height(), spec.width(), spec.channels());
        ComputationGraphConfiguration.GraphBuilder g = base.graphBuilder().addInputs("input").setInputTypes(in);
        GraphChain chain = new GraphChain(g, registry, "input", in, spec.seed());
        Map<String, Object> user = new LinkedHashMap<>(spec.layerParams());
        Blocks.convSlot(chain, registry, "resnet18", "conv1", layerId, user, Map.of(), nf, 3, 1, 1, "relu");
        int width = nf;
        for (int stage = 1; stage <= 4; stage++) {
            int out = nf << (stage - 1);
            for (int b = 0; b < 2; b++) {
                int stride = stage > 1 && b == 0 ? 2 : 1;
                String p = "layer" + stage + "_" + b;
                String x = chain.last();
                Blocks.requireFits(chain, "resnet18", p, stride);
                Blocks.convSlot(chain, registry, "resnet18", p + "_conv1", layerId, user, Map.of(), out, 3, stride, 1, "relu");
                Blocks.convSlot(chain, registry, "resnet18", p + "_conv2", layerId, user, Map.of(), out, 3, 1, 1, "identity");
                String branch = chain.last();
                String shortcut = x;
                if (stride != 1 || width != out) {
                    chain.from(x);
                    Blocks.convSlot(chain, registry, "resnet18", p + "_shortcut", layerId, user, Map.of(), out, 1, stride, 0, "identity");
                    shortcut = chain.last();
                }
                Blocks.join(chain, p, branch, shortcut);
                width = out;
            }
        }
        Blocks.head(chain, g, spec.classes());
        return g.build();
    }

    /**
     * The reference's terms (spec CONVNORM 3.7): the convolutional distance on conv1 of every BasicBlock at its
     * stride, the matrix distance on the 1×1 shortcuts of layer2.0–layer4.0; the stem, every conv2 and nothing else.
     * A layer belongs to a slot when its name is the slot's or starts with the slot's name and an underscore.
     */
    @Override
    public List<OrthogonalityTarget> ocnnTargets(Map<String, ConvolutionGeometry> kernels) {
        List<OrthogonalityTarget> out = new ArrayList<>();
        for (int stage = 1; stage <= 4; stage++) {
            for (int b = 0; b < 2; b++) {
                String block = "layer" + stage + "_" + b;
                int stride = stage > 1 && b == 0 ? 2 : 1;
                String conv1 = inSlot(kernels, block + "_conv1");
                if (conv1 != null) out.add(new OrthogonalityTarget(conv1, OrthogonalityTarget.Distance.DECONV, stride));
                String shortcut = stage > 1 && b == 0 ? inSlot(kernels, block + "_shortcut") : null;
                if (shortcut != null) out.add(new OrthogonalityTarget(shortcut, OrthogonalityTarget.Distance.ORTH, 1));
            }
        }
        return out;
    }

    private static @org.jspecify.annotations.Nullable String inSlot(Map<String, ConvolutionGeometry> kernels, String slot) {
        for (String name : kernels.keySet()) {
            if (name.equals(slot) || name.startsWith(slot + "_")) return name;
        }
        return null;
    }

    private static void basicBlock(GraphChain chain, String p, int in, int out, int stride) {
        String x = chain.last();
        Blocks.requireFits(chain, "resnet18", p, stride);
        chain.add(Conv2d.of(p + "_conv1", in, out, 3, stride, 1, false, -1));
        chain.add(Blocks.bn(p + "_bn1", out, true));
        chain.add(Conv2d.of(p + "_conv2", out, out, 3, 1, 1, false, -1));
        chain.add(Blocks.bn(p + "_bn2", out, false));
        String branch = chain.last();
        String shortcut = Blocks.shortcut(chain, p, x, in, out, stride);
        Blocks.join(chain, p, branch, shortcut);
    }
}
