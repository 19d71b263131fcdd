package org.pnnlab.layers;

import java.util.List;
import java.util.function.Function;
import org.pnnlab.api.LayerBlock;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.api.PnnException;
import org.pnnlab.layers.dl4j.BatchNorm;
import org.pnnlab.layers.dl4j.ConvNorm;
import org.pnnlab.layers.dl4j.SlotEnd;
import org.nd4j.linalg.activations.IActivation;

/**
 * {@code convnorm}: Convolutional Normalization (NeurIPS'21), replacing convolution + batch norm as a unit:
 * the convolution normalised per output channel and frequency in the Fourier domain, a learned depthwise
 * kernel (with {@code affine}), batch norm (with {@code bn}) and the slot's activation. See {@link ConvNorm}.
 */
public final class ConvNormPlugin implements LayerPlugin {
    public static final String ID = "convnorm";

    private static final List<ParamSpec> PARAMS = List.of(
            ParamSpec.intParam("kernel", 3, 1, 15, "square kernel size"),
            ParamSpec.intParam("stride", 1, 1, 8, "stride (applied by subsampling after the normaliser)"),
            ParamSpec.intParam("padding", -1, -1, 14, "0..kernel-1, sets the crop of the full convolution; -1 = kernel/2 (keeps the size at stride 1)"),
            ParamSpec.boolParam("bias", false, "learned bias in the convolution (added before the normaliser)"),
            ParamSpec.boolParam("affine", true, "learned depthwise kernel after the normaliser, and a learned scale/shift in the batch norm"),
            ParamSpec.boolParam("bn", true, "batch norm at the end of the layer"),
            ParamSpec.doubleParam("momentum", -1, -1, 1, "factor of the running normaliser's update; negative = the cosine schedule"),
            ParamSpec.intParam("ema_steps", 40000, 1, Integer.MAX_VALUE, "training steps over which the cosine factor falls from 1 to its floor 0.01"),
            ParamSpec.boolParam("track_running", true, "keep the running normaliser (used in evaluation); false leaves it at zero"),
            ParamSpec.choiceParam("act", "relu", SlotEnd.ACTIVATIONS,
                    "activation at the end of the slot (prelu: one learnable slope; srelu: max(x-b,0)+b, b per channel)"));

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "ConvNorm: convolution normalised in the Fourier domain + depthwise affine kernel + batch norm + activation";
    }

    @Override
    public List<ParamSpec> parameters() {
        return PARAMS;
    }

    @Override
    public LayerBlock create(LayerParams p, LayerContext ctx) {
        int k = p.getInt("kernel");
        int pad = p.getInt("padding") < 0 ? k / 2 : p.getInt("padding");
        String name = ctx.slotName();
        if (ctx.height() < k || ctx.width() < k) {
            throw new PnnException("slot '" + name + "': ConvNorm's " + k + "x" + k + " kernel is larger than its "
                    + ctx.height() + "x" + ctx.width() + " input; use a smaller kernel or a larger input");
        }
        if (pad > k - 1) {
            throw new PnnException("slot '" + name + "': ConvNorm padding " + pad + " must be at most kernel-1 = " + (k - 1));
        }
        ConvNorm core = ConvNorm.of(name + "_convnorm", ctx.inChannels(), ctx.outChannels(), k, p.getInt("stride"), pad,
                p.getBoolean("bias"), p.getBoolean("affine"), p.getDouble("momentum"), p.getBoolean("track_running"),
                p.getInt("ema_steps"), ctx.height(), ctx.width());
        long out = ctx.outChannels();
        boolean affine = p.getBoolean("affine");
        Function<IActivation, BatchNorm> bn = !p.getBoolean("bn") ? null
                : affine ? a -> BatchNorm.of(name + "_bn", out, a) : a -> BatchNorm.plain(name + "_bn", out, a);
        return SlotEnd.block(name, List.of(core), out, bn, p.getString("act"));
    }
}
