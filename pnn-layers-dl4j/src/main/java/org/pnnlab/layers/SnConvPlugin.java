package org.pnnlab.layers;

import java.util.ArrayList;
import java.util.List;
import org.pnnlab.api.LayerBlock;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.layers.dl4j.SlotEnd;
import org.pnnlab.layers.dl4j.SpectralNormConv;

/**
 * {@code sn-conv}: a spectrally normalised convolution (PyTorch's {@code spectral_norm}, spec CONVNORM 2.1)
 * followed by batch norm and an activation, with the parameters of {@code conv} plus {@code power_iterations}.
 * See {@link SpectralNormConv}.
 */
public final class SnConvPlugin implements LayerPlugin {
    public static final String ID = "sn-conv";

    private static final List<ParamSpec> PARAMS;

    static {
        List<ParamSpec> ps = new ArrayList<>(ConvPlugin.PARAMS);
        ps.add(ParamSpec.intParam("power_iterations", 1, 1, 100,
                "power-iteration steps that update u and v in each training forward (none in evaluation)"));
        PARAMS = List.copyOf(ps);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "spectrally normalised KxK convolution (W / sigma, power iteration) + batch norm + activation";
    }

    @Override
    public List<ParamSpec> parameters() {
        return PARAMS;
    }

    @Override
    public LayerBlock create(LayerParams p, LayerContext ctx) {
        SpectralNormConv conv = SpectralNormConv.of(ctx.slotName() + "_snconv", ctx.inChannels(), ctx.outChannels(),
                p.getInt("kernel"), p.getInt("stride"), ConvPlugin.padding(p, ctx), p.getBoolean("bias"),
                p.getInt("power_iterations"));
        return SlotEnd.block(ctx.slotName(), List.of(conv), ctx.outChannels(), ConvPlugin.batchNorm(p, ctx),
                p.getString("act"));
    }
}
