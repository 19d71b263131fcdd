package org.pnnlab.layers.feedback;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.feedback.FeedbackLayer;
import org.pnnlab.api.feedback.FeedbackScope;

/**
 * {@code adapool}: CNN-F's adaptive 2x2/2 pooling (spec CNNF 1.8). Without a stored top-down signal h it is
 * max pooling; with h it takes the max where h &gt; 0, the min where h &lt; 0 and 0 where h = 0. The feedback
 * mode stores its input as h and unpools it to the chosen positions (with h's signs from the preceding
 * forward once that forward was sign-adaptive).
 *
 * <p>Each 2x2 window is gathered into a length-4 axis (row-major within the window). The chosen element is
 * the first maximal one, found with strict comparisons (so +0 and -0 tie and the earlier wins): element k is
 * chosen when it is greater than every earlier element and not smaller than any later one. The choice is a
 * one-hot constant, so the pooled value is {@code sum(choice * window)} and its gradient goes to the chosen
 * element; unpooling multiplies by the same one-hot.
 */
public final class AdaPoolPlugin extends FeedbackPluginBase {
    public static final String ID = "adapool";

    public AdaPoolPlugin() {
        super(ID, "adaptive 2x2 max/min pooling chosen by the sign of the top-down signal, with unpooling feedback (CNN-F)",
                List.of());
    }

    @Override
    public FeedbackLayer createFeedback(LayerParams p, LayerContext ctx) {
        if (ctx.height() % 2 != 0 || ctx.width() % 2 != 0) {
            throw new PnnException("slot '" + ctx.slotName() + "': adaptive 2x2 pooling needs an even input size, got "
                    + ctx.height() + "x" + ctx.width());
        }
        return new Layer(ctx.inChannels(), ctx.height(), ctx.width());
    }

    static final class Layer implements FeedbackLayer {
        private final long c;
        private final long h;
        private final long w;
        private @Nullable SDVariable hidden;
        private @Nullable SDVariable maxChoice;
        private @Nullable SDVariable minChoice;
        private @Nullable SDVariable positive;
        private @Nullable SDVariable negative;

        Layer(long c, long h, long w) {
            this.c = c;
            this.h = h;
            this.w = w;
        }

        @Override
        public long[] outputShape(long[] in) {
            return new long[]{c, h / 2, w / 2};
        }

        /** [N, C, H, W] -> [N, C, H/2, W/2, 4]. */
        private SDVariable windows(SDVariable x) {
            return x.reshape(-1, c, h / 2, 2, w / 2, 2).permute(0, 1, 2, 4, 3, 5).reshape(-1, c, h / 2, w / 2, 4);
        }

        /** [N, C, H/2, W/2, 4] -> [N, C, H, W]. */
        private SDVariable image(SDVariable win) {
            return win.reshape(-1, c, h / 2, w / 2, 2, 2).permute(0, 1, 2, 4, 3, 5).reshape(-1, c, h, w);
        }

        /** One-hot of the first maximal element of each window (a constant). */
        private static SDVariable firstMax(SameDiff sd, SDVariable win) {
            SDVariable a = win.reshape(-1, 4, 1);
            SDVariable b = win.reshape(-1, 1, 4);
            SDVariable gt = a.gt(b).castTo(win.dataType());   // [.., k, j]: e_k > e_j
            SDVariable gte = a.gte(b).castTo(win.dataType()); // e_k >= e_j
            double[] earlier = new double[16];
            double[] later = new double[16];
            double[] self = new double[16];
            for (int k = 0; k < 4; k++) {
                for (int j = 0; j < 4; j++) {
                    if (j < k) earlier[k * 4 + j] = 1;
                    else if (j > k) later[k * 4 + j] = 1;
                    else self[k * 4 + j] = 1;
                }
            }
            SDVariable lo = sd.constant(Nd4j.create(earlier, new long[]{1, 4, 4}).castTo(win.dataType()));
            SDVariable hi = sd.constant(Nd4j.create(later, new long[]{1, 4, 4}).castTo(win.dataType()));
            SDVariable id = sd.constant(Nd4j.create(self, new long[]{1, 4, 4}).castTo(win.dataType()));
            SDVariable ok = gt.mul(lo).add(gte.mul(hi)).add(id).sum(2);   // [.., 4]: conditions met, 4 = chosen
            return ok.gte(3.5).castTo(win.dataType()).reshape(win.shape());
        }

        @Override
        public SDVariable forward(FeedbackScope s, SDVariable x) {
            SameDiff sd = s.sd();
            SDVariable win = windows(x);
            SDVariable maxSel = firstMax(sd, win);
            maxChoice = maxSel;
            SDVariable max = win.mul(maxSel).sum(4);
            SDVariable hd = hidden;
            if (hd == null) return max;
            SDVariable minSel = firstMax(sd, win.neg());
            minChoice = minSel;
            SDVariable min = win.mul(minSel).sum(4);
            positive = Sd.positive(hd);
            negative = Sd.negative(hd);
            return max.mul(positive).add(min.mul(negative));
        }

        private SDVariable unpool(SDVariable v, SDVariable choice) {
            return image(v.reshape(-1, c, h / 2, w / 2, 1).mul(choice));
        }

        @Override
        public SDVariable feedback(FeedbackScope s, SDVariable t) {
            SDVariable maxSel = maxChoice;
            if (maxSel == null) throw new IllegalStateException("adapool: feedback before any forward pass");
            hidden = t;
            SDVariable p = positive;
            SDVariable q = negative;
            SDVariable minSel = minChoice;
            if (p == null || q == null || minSel == null) return unpool(t, maxSel);
            return unpool(t.mul(p), maxSel).add(unpool(t.mul(q), minSel));
        }

        @Override
        public void reset() {
            hidden = null;
            maxChoice = null;
            minChoice = null;
            positive = null;
            negative = null;
        }
    }
}
