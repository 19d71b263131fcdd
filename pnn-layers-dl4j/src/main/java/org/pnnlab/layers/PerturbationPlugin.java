package org.pnnlab.layers;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.pnnlab.api.LayerBlock;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.api.PnnException;
import org.pnnlab.layers.dl4j.Activations;
import org.pnnlab.layers.dl4j.BatchNorm;
import org.pnnlab.layers.dl4j.PReLUBlock;
import org.pnnlab.layers.dl4j.PerturbationCore;
import org.pnnlab.layers.dl4j.Conv2d;

/**
 * {@code perturbation}: the perturbation layer of Perturbative Neural Networks (CVPR'18) as reproduced by
 * the critical reproduction: fixed additive noise masks, activation, learnable 1x1 combination, batch norm,
 * activation, and optionally a second 1x1 convolution + batch norm + activation ({@code mix_maps}). With
 * {@code filter_size} &gt; 0 the slot is an ordinary convolution instead, with the reference's padding and
 * stride rules (1: pad 0 with bias; 3: pad 1; 5: pad 1, shrinking the map by 2; 7: pad 3, stride 2).
 */
public final class PerturbationPlugin implements LayerPlugin {
    public static final String ID = "perturbation";

    private static final List<ParamSpec> PARAMS = List.of(
            ParamSpec.intParam("nmasks", 1, 1, 4096, "noise masks per input channel (fan-out); > 1 needs out channels to be a multiple of in channels"),
            ParamSpec.doubleParam("level", 0.5, 0, 1e6, "noise magnitude: uniform masks give U(-level, level), normal ones N(0, level^2)"),
            ParamSpec.boolParam("unique_masks", true, "a different set of masks for each input channel (false: one set shared by all channels)"),
            ParamSpec.boolParam("train_masks", false, "let the optimiser train the masks"),
            ParamSpec.choiceParam("noise_type", "uniform", PerturbationCore.NOISE_TYPES, "distribution of the masks"),
            ParamSpec.boolParam("use_act", true, "apply the activation right after adding the noise"),
            ParamSpec.choiceParam("act", "relu", List.of("relu", "lrelu", "prelu", "rrelu", "elu", "selu", "tanh", "sigmoid"),
                    "activation used at every activation site of the layer (prelu: one learnable slope shared by all of them)"),
            ParamSpec.boolParam("mix_maps", false, "add a second 1x1 convolution + batch norm + activation"),
            ParamSpec.intParam("filter_size", 0, 0, 7, "0 = perturbation; 1, 3, 5 or 7 = ordinary convolution slot with the reference's padding/stride rules"));

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "perturbation layer (PNN): fixed noise masks + activation + learnable 1x1 combination + batch norm";
    }

    @Override
    public List<ParamSpec> parameters() {
        return PARAMS;
    }

    @Override
    public LayerBlock create(LayerParams p, LayerContext ctx) {
        String name = ctx.slotName();
        String act = p.getString("act");
        int fs = p.getInt("filter_size");
        if (fs > 0) {
            int pad;
            int stride = 1;
            switch (fs) {
                case 1 -> pad = 0;
                case 3, 5 -> pad = 1;
                case 7 -> {
                    pad = 3;
                    stride = 2;
                }
                default -> throw new PnnException("slot '" + name + "': filter_size=" + fs
                        + " is not supported; use 0 (perturbation) or 1, 3, 5, 7 (convolution)");
            }
            if (ctx.height() + 2 * pad < fs || ctx.width() + 2 * pad < fs) {
                throw new PnnException("slot '" + name + "': filter_size=" + fs + " does not fit its "
                        + ctx.height() + "x" + ctx.width() + " input");
            }
            return ConvPlugin.block(name, ctx.inChannels(), ctx.outChannels(), fs, stride, pad, fs == 1, true, act);
        }
        // with prelu the batch norms carry no activation: the block applies the shared slope after them
        boolean prelu = act.equals("prelu");
        String bnAct = prelu ? "identity" : act;
        List<Layer> layers = new ArrayList<>();
        layers.add(PerturbationCore.of(name + "_perturb", ctx.inChannels(), ctx.outChannels(), p.getInt("nmasks"),
                p.getDouble("level"), p.getBoolean("unique_masks"), p.getBoolean("train_masks"),
                p.getString("noise_type"), p.getBoolean("use_act"), act, ctx.height(), ctx.width(), ctx.seed()));
        layers.add(BatchNorm.of(name + "_bn", ctx.outChannels(), Activations.dl4j(bnAct)));
        if (p.getBoolean("mix_maps")) {
            layers.add(Conv2d.of(name + "_mix", ctx.outChannels(), ctx.outChannels(), 1, 1, 0, true, -1));
            layers.add(BatchNorm.of(name + "_mixbn", ctx.outChannels(), Activations.dl4j(bnAct)));
        }
        if (prelu) {
            List<Boolean> sites = layers.stream().map(l -> l instanceof BatchNorm).toList();
            return LayerBlock.of(PReLUBlock.of(name + "_prelu", layers, sites));
        }
        return LayerBlock.of(layers);
    }
}
