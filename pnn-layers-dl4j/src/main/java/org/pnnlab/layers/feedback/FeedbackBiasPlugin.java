package org.pnnlab.layers.feedback;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.api.feedback.FeedbackLayer;
import org.pnnlab.api.feedback.FeedbackScope;

/**
 * {@code fb-bias}: adds a learned per-channel (images, {@code [1, C, 1, 1]}) or per-feature ({@code [1, F]})
 * bias, initialised to zero; the feedback mode is the identity (nothing is subtracted; spec CNNF 1.4).
 */
public final class FeedbackBiasPlugin extends FeedbackPluginBase {
    public static final String ID = "fb-bias";

    public FeedbackBiasPlugin() {
        super(ID, "learned bias; identity in feedback (CNN-F)", List.of(ParamSpec.choiceParam("over", "channels",
                List.of("channels", "features"), "one bias per image channel ([1, C, 1, 1]) or per feature ([1, F])")));
    }

    @Override
    public FeedbackLayer createFeedback(LayerParams p, LayerContext ctx) {
        boolean image = p.getString("over").equals("channels");
        return new Layer(image ? ctx.inChannels() : ctx.inChannels() * (long) ctx.height() * ctx.width(), image);
    }

    static final class Layer implements FeedbackLayer {
        private final long channels;
        private final boolean image;

        Layer(long channels, boolean image) {
            this.channels = channels;
            this.image = image;
        }

        @Override
        public Map<String, long[]> parameters() {
            Map<String, long[]> m = new LinkedHashMap<>();
            m.put("b", image ? new long[]{1, channels, 1, 1} : new long[]{1, channels});
            return m;
        }

        @Override
        public void initialize(Map<String, INDArray> params, long seed) {
            params.get("b").assign(0);
        }

        @Override
        public long[] outputShape(long[] inputShape) {
            return inputShape;
        }

        @Override
        public SDVariable forward(FeedbackScope s, SDVariable x) {
            // bias_add: its backward sums the gradient over the other axes in one reduction (a broadcast add's
            // backward materialises the broadcast first)
            return s.sd().nn().biasAdd(x, s.param("b").reshape(channels), true);
        }

        @Override
        public SDVariable feedback(FeedbackScope s, SDVariable t) {
            return t;
        }
    }
}
