package org.pnnlab.models;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.pnnlab.layers.dl4j.Pool2d;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.ParamSpec;

/**
 * {@code perturb_resnet18}, the reproduction's configurable ResNet-18 (spec 2.3): 17 slots from the layer
 * registry. The pre-layer slot {@code pre} (in -&gt; nf) uses the first layer ({@link SlotDefaults#firstSlot}:
 * no activation after the noise unless asked, level times {@code scale_noise}); the 16 block slots use the
 * other layer. When the first layer is a plugin whose {@code filter_size} parameter is 7 (the reference's
 * {@code --first_filter_size 7}), a 3x3 stride-2 max pooling with padding 1 follows it, as in the reference.
 *
 * <p>PerturbBasicBlock(in, out, s): slot {@code _slot1} (in -&gt; out at the block's input size) - pooling
 * {@code _pool} (kernel s, stride s; max or avg; none when s = 1) - slot {@code _slot2} (out -&gt; out) - add
 * shortcut (identity, or 1x1 convolution with stride s, no bias, + batch norm when s != 1 or in != out) - ReLU.
 * Each slot already ends with its own batch norm + activation. Then average pooling over the remaining map
 * (kernel 4, stride 1 for a 3x32x32 input) and a linear classifier 8nf -&gt; classes.
 *
 * <p>Difference from the reference: masks are sized from each slot's real input, so a stride-2 first layer
 * (filter_size 7) works here while the reference's masks (built for 32x32) break.
 */
public final class PerturbResnet18Factory implements ModelFactory {
    static final List<ParamSpec> OPTIONS = List.of(
            ParamSpec.intParam("nfilters", 64, 1, 4096, "width of the first stage (stages: nf, 2nf, 4nf, 8nf)"),
            ParamSpec.choiceParam("pool_type", "max", List.of("max", "avg"), "pooling inside the downsampling blocks"),
            ParamSpec.doubleParam("scale_noise", 1.0, 0, 1e6, "multiplies the noise level of the first slot"));

    @Override
    public String name() {
        return "perturb_resnet18";
    }

    @Override
    public String description() {
        return "ResNet-18 of the PNN reproduction: 17 slots (pre-layer + 8 blocks of 2), pooling inside the "
                + "downsampling blocks; 3x32x32 input";
    }

    @Override
    public List<ParamSpec> options() {
        return OPTIONS;
    }

    @Override
    public ComputationGraphConfiguration build(ModelSpec spec, LayerRegistry registry, NeuralNetConfiguration.Builder base) {
        LayerParams o = LayerParams.validate("model perturb_resnet18", OPTIONS, spec.options());
        int nf = o.getInt("nfilters");
        Pool2d.Kind pool = Blocks.poolType(o.getString("pool_type"));
        InputType in = InputType.convolutional(spec.height(), spec.width(), spec.channels());
        ComputationGraphConfiguration.GraphBuilder g = base.graphBuilder().addInputs("input").setInputTypes(in);
        GraphChain chain = new GraphChain(g, registry, "input", in, spec.seed());

        LayerPlugin firstPlugin = registry.get(spec.firstLayer());
        Map<String, Object> first = SlotDefaults.firstSlot(firstPlugin, spec.firstLayerParams(), o.getDouble("scale_noise"));
        chain.slot("pre", spec.firstLayer(), first, nf);
        LayerParams firstParams = firstPlugin.params(first);
        if (firstParams.has("filter_size") && firstParams.getInt("filter_size") == 7) {
            chain.add(Blocks.pool("pre_pool", Pool2d.Kind.MAX, 3, 2, 1));
        }
        int width = nf;
        for (int stage = 1; stage <= 4; stage++) {
            int out = nf << (stage - 1);
            for (int b = 0; b < 2; b++) {
                int stride = stage > 1 && b == 0 ? 2 : 1;
                block(chain, spec, pool, "layer" + stage + "_" + b, width, out, stride);
                width = out;
            }
        }
        Blocks.head(chain, g, spec.classes());
        return g.build();
    }

    private static void block(GraphChain chain, ModelSpec spec, Pool2d.Kind pool, String p, int in, int out, int stride) {
        String x = chain.last();
        chain.slot(p + "_slot1", spec.layer(), spec.layerParams(), out);
        if (stride != 1) {
            Blocks.requireFits(chain, "perturb_resnet18", p + "_pool", stride);
            chain.add(Blocks.pool(p + "_pool", pool, stride, stride, 0));
        }
        chain.slot(p + "_slot2", spec.layer(), spec.layerParams(), out);
        String branch = chain.last();
        String shortcut = Blocks.shortcut(chain, p, x, in, out, stride);
        Blocks.join(chain, p, branch, shortcut);
    }
}
