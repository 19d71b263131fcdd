package org.pnnlab.layers.feedback;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.feedback.FeedbackLayer;
import org.pnnlab.api.feedback.FeedbackScope;

/** {@code flatten}: {@code [N, C, H, W] -> [N, C*H*W]} (c order); the feedback mode reshapes back. */
public final class FlattenPlugin extends FeedbackPluginBase {
    public static final String ID = "flatten";

    public FlattenPlugin() {
        super(ID, "flatten to features; reshape back in feedback (CNN-F)", List.of());
    }

    @Override
    public FeedbackLayer createFeedback(LayerParams p, LayerContext ctx) {
        return new Layer(ctx.inChannels(), ctx.height(), ctx.width());
    }

    static final class Layer implements FeedbackLayer {
        private final long c;
        private final long h;
        private final long w;

        Layer(long c, long h, long w) {
            this.c = c;
            this.h = h;
            this.w = w;
        }

        @Override
        public long[] outputShape(long[] inputShape) {
            return new long[]{c * h * w};
        }

        @Override
        public SDVariable forward(FeedbackScope s, SDVariable x) {
            return x.reshape(-1, c * h * w);
        }

        @Override
        public SDVariable feedback(FeedbackScope s, SDVariable t) {
            return t.reshape(-1, c, h, w);
        }
    }
}
