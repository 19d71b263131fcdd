package org.pnnlab.layers;

import java.util.ArrayList;
import java.util.List;
import org.pnnlab.api.LayerBlock;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.layers.dl4j.SlotEnd;
import org.pnnlab.layers.dl4j.OniConv;

/**
 * {@code oni-conv}: a convolution whose kernel is orthogonalised by Newton iteration (ONI, spec CONVNORM 2.1; one
 * norm group, a learnable per-channel scale) followed by batch norm and an activation, with the parameters of
 * {@code conv} plus {@code T}. See {@link OniConv}.
 */
public final class OniConvPlugin implements LayerPlugin {
    public static final String ID = "oni-conv";

    private static final List<ParamSpec> PARAMS;

    static {
        List<ParamSpec> ps = new ArrayList<>(ConvPlugin.PARAMS);
        ps.add(ParamSpec.intParam("T", 3, 1, 100,
                "Newton iterations of the orthogonalisation (the gradient flows through them)"));
        PARAMS = List.copyOf(ps);
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "ONI convolution (kernel orthogonalised by Newton iteration, learnable per-channel scale) + batch norm + activation";
    }

    @Override
    public List<ParamSpec> parameters() {
        return PARAMS;
    }

    @Override
    public LayerBlock create(LayerParams p, LayerContext ctx) {
        OniConv conv = OniConv.of(ctx.slotName() + "_oniconv", ctx.inChannels(), ctx.outChannels(),
                p.getInt("kernel"), p.getInt("stride"), ConvPlugin.padding(p, ctx), p.getBoolean("bias"),
                p.getInt("T"));
        return SlotEnd.block(ctx.slotName(), List.of(conv), ctx.outChannels(), ConvPlugin.batchNorm(p, ctx),
                p.getString("act"));
    }
}
