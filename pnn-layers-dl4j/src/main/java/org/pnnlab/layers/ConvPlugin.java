package org.pnnlab.layers;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.pnnlab.api.LayerBlock;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.api.PnnException;
import org.pnnlab.layers.dl4j.Activations;
import org.pnnlab.layers.dl4j.BatchNorm;
import org.pnnlab.layers.dl4j.Conv2d;
import org.pnnlab.layers.dl4j.PReLUBlock;
import org.nd4j.linalg.activations.impl.ActivationIdentity;

/** {@code conv}: an ordinary convolution followed by batch normalisation and an activation. */
public final class ConvPlugin implements LayerPlugin {
    public static final String ID = "conv";

    private static final List<ParamSpec> PARAMS = List.of(
            ParamSpec.intParam("kernel", 3, 1, 15, "square kernel size"),
            ParamSpec.intParam("stride", 1, 1, 8, "stride"),
            ParamSpec.intParam("padding", -1, -1, 15, "zero padding on each side; -1 = kernel/2 (keeps the size at stride 1)"),
            ParamSpec.boolParam("bias", false, "add a learned bias in the convolution (redundant before batch norm)"),
            ParamSpec.boolParam("batch_norm", true, "batch normalisation after the convolution"),
            ParamSpec.choiceParam("act", "relu", Activations.SLOT_NAMES, "activation at the end of the slot (prelu: one learnable slope)"));

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
        int pad = p.getInt("padding") < 0 ? k / 2 : p.getInt("padding");
        if (ctx.height() + 2 * pad < k || ctx.width() + 2 * pad < k) {
            throw new PnnException("slot '" + ctx.slotName() + "': a " + k + "x" + k + " convolution with padding "
                    + pad + " does not fit its " + ctx.height() + "x" + ctx.width() + " input");
        }
        return block(ctx.slotName(), ctx.inChannels(), ctx.outChannels(), k, p.getInt("stride"), pad,
                p.getBoolean("bias"), p.getBoolean("batch_norm"), p.getString("act"));
    }

    /** The convolution + batch norm + activation block, shared with other plugins' ordinary-conv slots. */
    public static LayerBlock block(String name, long in, long out, int kernel, int stride, int padding, boolean bias,
                                   boolean batchNorm, String act) {
        Conv2d conv = Conv2d.of(name + "_conv", in, out, kernel, stride, padding, bias, -1);
        if (act.equals("prelu")) {
            return LayerBlock.of(batchNorm
                    ? PReLUBlock.of(name + "_prelu", List.of(conv, BatchNorm.of(name + "_bn", out, new ActivationIdentity())), List.of(false, true))
                    : PReLUBlock.of(name + "_prelu", List.of(conv), List.of(true)));
        }
        Layer tail = batchNorm ? BatchNorm.of(name + "_bn", out, Activations.dl4j(act))
                : new ActivationLayer.Builder().activation(Activations.dl4j(act)).name(name + "_act").build();
        return LayerBlock.of(conv, tail);
    }
}
