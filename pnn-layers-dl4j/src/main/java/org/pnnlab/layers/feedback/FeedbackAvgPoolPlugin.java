package org.pnnlab.layers.feedback;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.api.feedback.FeedbackLayer;
import org.pnnlab.api.feedback.FeedbackScope;

/**
 * {@code fb-avgpool}: k x k average pooling (stride k); the feedback mode copies each value into a
 * {@code scale} x {@code scale} block (nearest-neighbour upsampling, no 1/k^2 factor; spec CNNF 1.9).
 */
public final class FeedbackAvgPoolPlugin extends FeedbackPluginBase {
    public static final String ID = "fb-avgpool";

    public FeedbackAvgPoolPlugin() {
        super(ID, "average pooling with nearest-neighbour upsampling feedback (CNN-F)", List.of(
                ParamSpec.intParam("kernel", 2, 1, 64, "pooling window and stride"),
                ParamSpec.intParam("scale", 10, 1, 64, "upsampling factor of the feedback (the reference's default is 10)")));
    }

    @Override
    public FeedbackLayer createFeedback(LayerParams p, LayerContext ctx) {
        int k = p.getInt("kernel");
        return new Layer(ctx.inChannels(), k, p.getInt("scale"), ctx.height() / k, ctx.width() / k);
    }

    static final class Layer implements FeedbackLayer {
        private final long c;
        private final int k;
        private final int scale;
        private final long ph;
        private final long pw;

        Layer(long c, int k, int scale, long ph, long pw) {
            this.c = c;
            this.k = k;
            this.scale = scale;
            this.ph = ph;
            this.pw = pw;
        }

        /** Nearest-neighbour upsampling as a broadcast product with a block of ones. */
        static SDVariable upsample(SDVariable t, long c, long h, long w, int scale) {
            SDVariable ones = t.getSameDiff().constant(org.nd4j.linalg.factory.Nd4j.ones(t.dataType(), 1, 1, 1, scale, 1, scale));
            return t.reshape(-1, c, h, 1, w, 1).mul(ones).reshape(-1, c, h * scale, w * scale);
        }

        @Override
        public long[] outputShape(long[] in) {
            return new long[]{c, in[1] / k, in[2] / k};
        }

        @Override
        public SDVariable forward(FeedbackScope s, SDVariable x) {
            Pooling2DConfig cfg = Pooling2DConfig.builder().kH(k).kW(k).sH(k).sW(k).pH(0).pW(0)
                    .isNHWC(false).build();
            return s.sd().cnn().avgPooling2d(x, cfg);
        }

        @Override
        public SDVariable feedback(FeedbackScope s, SDVariable t) {
            return upsample(t, c, ph, pw, scale);
        }
    }
}
