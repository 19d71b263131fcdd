package org.pnnlab.layers.feedback;

import java.util.HashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.feedback.FeedbackLayer;
import org.pnnlab.api.feedback.FeedbackPlugin;

/**
 * {@code single}: one feedback plugin's layer run bottom-up only, so that a feedback layer can fill a slot of
 * an ordinary model. Options: {@code plugin}, {@code slot}, {@code out}, {@code seed} and the plugin's own
 * parameters as {@code param.<name>}.
 */
public final class SingleLayerArchitecture implements FeedbackArchitecture {
    public static final String ID = "single";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public FeedbackModel build(Map<String, String> options, long[] inputShape, int classes) {
        String id = options.getOrDefault("plugin", "");
        if (!(LayerRegistry.load().get(id) instanceof FeedbackPlugin plugin)) {
            throw new PnnException("layer '" + id + "' has no feedback mode");
        }
        Map<String, Object> raw = new HashMap<>();
        options.forEach((k, v) -> {
            if (k.startsWith("param.")) raw.put(k.substring(6), v);
        });
        LayerContext ctx = LayerContext.of(options.getOrDefault("slot", "slot"), (int) inputShape[0],
                Integer.parseInt(options.getOrDefault("out", String.valueOf(inputShape[0]))),
                (int) inputShape[1], (int) inputShape[2], Long.parseLong(options.getOrDefault("seed", "0")));
        FeedbackLayer layer = plugin.createFeedback(raw, ctx);
        long[] out = layer.outputShape(inputShape);
        return new FeedbackModel(out, 0, 0) {
            {
                add("layer", layer);
            }

            @Override
            public FirstPass first(SDVariable x) {
                return new FirstPass(fwd("layer", x), x, java.util.List.of());
            }

            @Override
            public SDVariable later(SDVariable ff) {
                return fwd("layer", ff);
            }

            @Override
            public Reconstruction feedback(SDVariable logits) {
                return new Reconstruction(fb("layer", logits), java.util.List.of());
            }
        };
    }
}
