package org.pnnlab.models;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.pnnlab.layers.dl4j.Pool2d;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.api.PnnException;
import org.pnnlab.layers.dl4j.Conv2d;

/**
 * {@code noiseresnet18}, the original PNN authors' ResNet-18 as kept in the reproduction (spec 2.2). Its 16
 * slots take the other-slots layer of the spec; the original model is {@code noise-original} there (the
 * first-layer choice is not used: the pre-layers are fixed convolutions).
 *
 * <p>Pre-layers by {@code first_filter_size}: 7 = conv7x7 stride 2 pad 3 (no bias) - BN - ReLU - max pool
 * (3, 2, 1); 3 = conv3x3 stride 1 pad 1 (no bias) - BN - ReLU. The reference's flag default, 0, builds an
 * empty model there, so it is rejected; this option's default is 3 (the reproduction's command 3).
 *
 * <p>NoiseBasicBlock(in, out, s): slot {@code _slot1} (in -&gt; out, at the block's input size) - max pool
 * (kernel s, stride s; none when s = 1) - BN - ReLU - slot {@code _slot2} (out -&gt; out) - BN - add shortcut
 * (identity, or 1x1 convolution stride s without bias + BN) - ReLU. Then average pooling over the remaining map
 * (kernel 1 after the 7x7 pre-layers, 4 after the 3x3 ones, for a 3x32x32 input) and a linear classifier.
 */
public final class NoiseResnet18Factory implements ModelFactory {
    static final List<ParamSpec> OPTIONS = List.of(
            ParamSpec.intParam("nfilters", 64, 1, 4096, "width of the first stage (stages: nf, 2nf, 4nf, 8nf)"),
            ParamSpec.intParam("first_filter_size", 3, 0, 7,
                    "pre-layers: 3 = conv3x3, 7 = conv7x7/2 + max pool 3/2 (other values are not supported)"));

    @Override
    public String name() {
        return "noiseresnet18";
    }

    @Override
    public String description() {
        return "original PNN ResNet-18 (use layer noise-original for the original model): conv pre-layers, 16 slots "
                + "with BN + ReLU around them; 3x32x32 input";
    }

    @Override
    public List<ParamSpec> options() {
        return OPTIONS;
    }

    @Override
    public ComputationGraphConfiguration build(ModelSpec spec, LayerRegistry registry, NeuralNetConfiguration.Builder base) {
        LayerParams o = LayerParams.validate("model noiseresnet18", OPTIONS, spec.options());
        int nf = o.getInt("nfilters");
        int ffs = o.getInt("first_filter_size");
        if (ffs == 0) {
            throw new PnnException("model noiseresnet18: first_filter_size=0 is not supported: the reference builds an "
                    + "empty model for it (its flag default; the optimiser then fails); use 3 or 7");
        }
        if (ffs != 3 && ffs != 7) {
            throw new PnnException("model noiseresnet18: first_filter_size=" + ffs + " is not supported; use 3 or 7");
        }
        InputType in = InputType.convolutional(spec.height(), spec.width(), spec.channels());
        ComputationGraphConfiguration.GraphBuilder g = base.graphBuilder().addInputs("input").setInputTypes(in);
        GraphChain chain = new GraphChain(g, registry, "input", in, spec.seed());
        if (ffs == 7) {
            chain.add(Conv2d.of("pre_conv", spec.channels(), nf, 7, 2, 3, false, -1));
            chain.add(Blocks.bn("pre_bn", nf, true));
            chain.add(Blocks.pool("pre_pool", Pool2d.Kind.MAX, 3, 2, 1));
        } else {
            chain.add(Conv2d.of("pre_conv", spec.channels(), nf, 3, 1, 1, false, -1));
            chain.add(Blocks.bn("pre_bn", nf, true));
        }
        int width = nf;
        for (int stage = 1; stage <= 4; stage++) {
            int out = nf << (stage - 1);
            for (int b = 0; b < 2; b++) {
                int stride = stage > 1 && b == 0 ? 2 : 1;
                block(chain, spec, "layer" + stage + "_" + b, width, out, stride);
                width = out;
            }
        }
        Blocks.head(chain, g, spec.classes());
        return g.build();
    }

    private static void block(GraphChain chain, ModelSpec spec, String p, int in, int out, int stride) {
        String x = chain.last();
        chain.slot(p + "_slot1", spec.layer(), spec.layerParams(), out);
        if (stride != 1) {
            Blocks.requireFits(chain, "noiseresnet18", p + "_pool", stride);
            chain.add(Blocks.pool(p + "_pool", Pool2d.Kind.MAX, stride, stride, 0));
        }
        chain.add(Blocks.bn(p + "_bn1", out, true));
        chain.slot(p + "_slot2", spec.layer(), spec.layerParams(), out);
        chain.add(Blocks.bn(p + "_bn2", out, false));
        String branch = chain.last();
        String shortcut = Blocks.shortcut(chain, p, x, in, out, stride);
        Blocks.join(chain, p, branch, shortcut);
    }
}
