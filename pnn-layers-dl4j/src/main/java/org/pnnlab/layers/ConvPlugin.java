package org.pnnlab.layers;

import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.activations.IActivation;
import org.pnnlab.api.LayerBlock;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.api.PnnException;
import org.pnnlab.layers.dl4j.BatchNorm;
import org.pnnlab.layers.dl4j.Conv2d;
import org.pnnlab.layers.dl4j.SlotEnd;

/** {@code conv}: an ordinary convolution followed by batch normalisation and an activation. */
public final class ConvPlugin implements LayerPlugin {
    public static final String ID = "conv";

    /**
     * The parameters of a convolution + batch norm + activation slot, shared by the plugins whose slot is an
     * ordinary convolution with a reparametrised kernel ({@code sn-conv}, {@code oni-conv}).
     */
    static final List<ParamSpec> PARAMS = List.of(
            ParamSpec.intParam("kernel", 3, 1, 15, "square kernel size"),
            ParamSpec.intParam("stride", 1, 1, 8, "stride"),
            ParamSpec.intParam("padding", -1, -1, 15, "zero padding on each side; -1 = kernel/2 (keeps the size at stride 1)"),
            ParamSpec.boolParam("bias", false, "add a learned bias in the convolution (redundant before batch norm)"),
            ParamSpec.boolParam("batch_norm", true, "batch normalisation after the convolution"),
            ParamSpec.choiceParam("act", "relu", SlotEnd.ACTIVATIONS,
                    "activation at the end of the slot (prelu: one learnable slope; srelu: max(x-b,0)+b, b per channel)"));

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "ordinary KxK convolution + batch norm + activation (libnd4j conv2d, oneDNN on CPU)";
    }

    @Override
    public List<ParamSpec> parameters() {
        return PARAMS;
    }

    @Override
    public LayerBlock create(LayerParams p, LayerContext ctx) {
        int k = p.getInt("kernel");
        int pad = padding(p, ctx);
        return block(ctx.slotName(), ctx.inChannels(), ctx.outChannels(), k, p.getInt("stride"), pad,
                p.getBoolean("bias"), p.getBoolean("batch_norm"), p.getString("act"));
    }

    /** The padding of {@link #PARAMS} (-1 = kernel/2), checked to let the kernel fit the slot's input. */
    static int padding(LayerParams p, LayerContext ctx) {
        int k = p.getInt("kernel");
        int pad = p.getInt("padding") < 0 ? k / 2 : p.getInt("padding");
        if (ctx.height() + 2 * pad < k || ctx.width() + 2 * pad < k) {
            throw new PnnException("slot '" + ctx.slotName() + "': a " + k + "x" + k + " convolution with padding "
                    + pad + " does not fit its " + ctx.height() + "x" + ctx.width() + " input");
        }
        return pad;
    }

    /** Batch norm of {@link #PARAMS}: a factory for the slot's batch norm, or null without one. */
    static @Nullable Function<IActivation, BatchNorm> batchNorm(LayerParams p, LayerContext ctx) {
        String name = ctx.slotName() + "_bn";
        long out = ctx.outChannels();
        return p.getBoolean("batch_norm") ? a -> BatchNorm.of(name, out, a) : null;
    }

    /** The convolution + batch norm + activation block, shared with other plugins' ordinary-conv slots. */
    public static LayerBlock block(String name, long in, long out, int kernel, int stride, int padding, boolean bias,
                                   boolean batchNorm, String act) {
        Conv2d conv = Conv2d.of(name + "_conv", in, out, kernel, stride, padding, bias, -1);
        return SlotEnd.block(name, List.of(conv), out, batchNorm ? a -> BatchNorm.of(name + "_bn", out, a) : null, act);
    }
}
