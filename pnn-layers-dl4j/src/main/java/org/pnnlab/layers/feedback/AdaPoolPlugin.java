package org.pnnlab.layers.feedback;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.enums.DataFormat;
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
 * <p>Each 2x2 window is laid out along a length-4 axis (row-major within the window) by a space-to-depth
 * rearrangement, {@code [N, C, H, W] -> [N, 4, C*H/2*W/2]}, so every window operation below is an element-wise op
 * or a reduction over that axis, with no transposes. The chosen element is the first maximal one: of the elements
 * equal to the window's maximum (+0 and -0 are equal), the earliest; for windows without NaN this is the element
 * that strict comparisons choose (greater than every earlier element, not smaller than any later one). The choice
 * is a one-hot constant, so the pooled value is {@code sum(choice * window)} and its gradient goes to the chosen
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

        /** [N, C, H, W] -> [N, 4, C*H/2*W/2]: axis 1 runs over each 2x2 window in row-major order. */
        private SDVariable windows(SameDiff sd, SDVariable x) {
            return sd.cnn().spaceToDepth(x, 2, DataFormat.NCHW).reshape(-1, 4, c * (h / 2) * (w / 2));
        }

        /** [N, 4, C*H/2*W/2] -> [N, C, H, W]: the inverse of {@link #windows}. */
        private SDVariable image(SameDiff sd, SDVariable win) {
            return sd.cnn().depthToSpace(win.reshape(-1, 4 * c, h / 2, w / 2), 2, DataFormat.NCHW);
        }

        /**
         * One-hot (along axis 1) of the first maximal element of each window (a constant). The maximal elements
         * get weights 8, 4, 2, 1 by position; the first one's weight exceeds the sum of all later ones, so it is
         * the one whose doubled weight exceeds the window's total (small integers: exact in any float type).
         */
        private static SDVariable firstMax(SameDiff sd, SDVariable win) {
            SDVariable maximal = win.eq(win.max(true, 1)).castTo(win.dataType());
            SDVariable weighted = maximal.mul(sd.constant(Nd4j.createFromArray(8.0, 4.0, 2.0, 1.0)
                    .reshape(1, 4, 1).castTo(win.dataType())));
            return weighted.mul(2).gt(weighted.sum(true, 1)).castTo(win.dataType());
        }

        @Override
        public SDVariable forward(FeedbackScope s, SDVariable x) {
            SameDiff sd = s.sd();
            SDVariable win = windows(sd, x);
            SDVariable maxSel = firstMax(sd, win);
            maxChoice = maxSel;
            SDVariable max = pooled(win, maxSel);
            SDVariable hd = hidden;
            if (hd == null) return max;
            SDVariable minSel = firstMax(sd, win.neg());
            minChoice = minSel;
            SDVariable min = pooled(win, minSel);
            positive = Sd.positive(hd);
            negative = Sd.negative(hd);
            return max.mul(positive).add(min.mul(negative));
        }

        /** The chosen element of each window, [N, C, H/2, W/2]. */
        private SDVariable pooled(SDVariable win, SDVariable choice) {
            return win.mul(choice).sum(1).reshape(-1, c, h / 2, w / 2);
        }

        private SDVariable unpool(SameDiff sd, SDVariable v, SDVariable choice) {
            // the value repeated along the window axis by a concatenation: a broadcast multiply's backward tiles
            // both operands to the full shape first and costs several times more
            SDVariable row = v.reshape(-1, 1, c * (h / 2) * (w / 2));
            return image(sd, sd.concat(1, row, row, row, row).mul(choice));
        }

        @Override
        public SDVariable feedback(FeedbackScope s, SDVariable t) {
            SDVariable maxSel = maxChoice;
            if (maxSel == null) throw new IllegalStateException("adapool: feedback before any forward pass");
            hidden = t;
            SDVariable p = positive;
            SDVariable q = negative;
            SDVariable minSel = minChoice;
            SameDiff sd = s.sd();
            if (p == null || q == null || minSel == null) return unpool(sd, t, maxSel);
            return unpool(sd, t.mul(p), maxSel).add(unpool(sd, t.mul(q), minSel));
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
