package org.pnnlab.layers.feedback;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.nd4j.autodiff.samediff.SDVariable;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.api.feedback.FeedbackLayer;
import org.pnnlab.api.feedback.FeedbackScope;

/**
 * {@code adarelu}: the adaptive ReLU of CNN-F (spec CNNF 1.6, 1.7). Without a stored top-down signal h it is
 * a ReLU; once the feedback pass has stored h, the input is first blended toward it, z = x + r (h - x)
 * ({@code res} = r; 0 gives the plain AdaReLU), and a unit passes when z and h have the same strict sign.
 * The feedback mode stores its input as h (unmasked, gradients flow into it) and returns it masked by the
 * last forward's mask. Masks are constants for differentiation.
 */
public final class AdaReluPlugin extends FeedbackPluginBase {
    public static final String ID = "adarelu";

    public AdaReluPlugin() {
        super(ID, "adaptive ReLU gated by the sign of the top-down signal, with residual blend (CNN-F)",
                List.of(ParamSpec.doubleParam("res", 0.1, 0, 1, "blend toward the top-down signal (res_param); 0 = plain AdaReLU")));
    }

    @Override
    public FeedbackLayer createFeedback(LayerParams p, LayerContext ctx) {
        return new Layer(p.getDouble("res"));
    }

    static final class Layer implements FeedbackLayer {
        private final double res;
        private @Nullable SDVariable mask;
        private @Nullable SDVariable hidden;

        Layer(double res) {
            this.res = res;
        }

        @Override
        public long[] outputShape(long[] inputShape) {
            return inputShape;
        }

        @Override
        public SDVariable forward(FeedbackScope s, SDVariable x) {
            SDVariable h = hidden;
            if (h == null) {
                // x times its mask, not the relu op: libnd4j's relu backward (thresholdedrelu_bp) is several
                // times slower than a same-shape multiply's
                mask = Sd.positive(x);
                return x.mul(mask);
            }
            SDVariable z = res == 0 ? x : x.add(h.sub(x).mul(res));
            mask = Sd.positive(z.mul(h));
            return z.mul(mask);
        }

        @Override
        public SDVariable feedback(FeedbackScope s, SDVariable t) {
            SDVariable m = mask;
            if (m == null) throw new IllegalStateException("adarelu: feedback before any forward pass");
            hidden = t;
            return t.mul(m);
        }

        @Override
        public void reset() {
            mask = null;
            hidden = null;
        }
    }
}
