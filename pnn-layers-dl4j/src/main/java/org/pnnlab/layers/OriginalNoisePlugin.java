package org.pnnlab.layers;

import java.util.List;
import org.pnnlab.api.LayerBlock;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.layers.dl4j.Activations;
import org.pnnlab.layers.dl4j.BatchNorm;
import org.pnnlab.layers.dl4j.Conv2d;
import org.pnnlab.layers.dl4j.NoiseRelu;

/**
 * {@code noise-original}: the original PNN authors' noise layer ({@code NoiseLayer}, spec 1.4), used by
 * {@code noiseresnet18}: add one fixed mask {@code [C, H, W]} ~ U(-level, level) (stored already scaled, the
 * same for every sample), ReLU, batch norm over the C input channels, then a 1x1 convolution C -&gt; O with
 * bias. Nothing after the convolution (the model's block adds batch norm and activation). Layers:
 * {@code <slot>_noise}, {@code <slot>_bn}, {@code <slot>_conv}.
 */
public final class OriginalNoisePlugin implements LayerPlugin {
    public static final String ID = "noise-original";

    private static final List<ParamSpec> PARAMS = List.of(
            ParamSpec.doubleParam("level", 0.5, 0, 1e6,
                    "noise magnitude: the mask is U(-level, level) (the reproduction's flag default 0.5; the original code used 0.1)"));

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "original PNN noise layer: fixed mask [C,H,W] + ReLU + batch norm (input side) + 1x1 convolution with bias";
    }

    @Override
    public List<ParamSpec> parameters() {
        return PARAMS;
    }

    @Override
    public LayerBlock create(LayerParams p, LayerContext ctx) {
        String name = ctx.slotName();
        int c = ctx.inChannels();
        return LayerBlock.of(
                NoiseRelu.of(name + "_noise", c, ctx.height(), ctx.width(), p.getDouble("level"), ctx.seed()),
                BatchNorm.of(name + "_bn", c, Activations.dl4j("identity")),
                Conv2d.of(name + "_conv", c, ctx.outChannels(), 1, 1, 0, true, -1));
    }
}
