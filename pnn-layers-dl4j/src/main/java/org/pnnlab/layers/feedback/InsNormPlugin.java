package org.pnnlab.layers.feedback;

import java.util.List;
import org.nd4j.autodiff.samediff.SDVariable;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.api.feedback.FeedbackLayer;
import org.pnnlab.api.feedback.FeedbackScope;

/**
 * {@code insnorm}: per-sample, per-channel RMS normalisation {@code x / sqrt(mean_hw(x^2) + 1e-8)} (no mean
 * subtraction, no affine; spec CNNF 1.3). The feedback mode is the same function with the top-down
 * signal's own statistics. The {@code std} variant divides by sqrt(unbiased variance over h, w + 1e-8).
 */
public final class InsNormPlugin extends FeedbackPluginBase {
    public static final String ID = "insnorm";
    public static final double EPS = 1e-8;

    public InsNormPlugin() {
        super(ID, "per-channel RMS normalisation, also applied to top-down signals (CNN-F)",
                List.of(ParamSpec.boolParam("std", false, "divide by the unbiased standard deviation instead of the RMS")));
    }

    @Override
    public FeedbackLayer createFeedback(LayerParams p, LayerContext ctx) {
        return new Layer(p.getBoolean("std"));
    }

    /**
     * The normalisation as a graph fragment (also used directly by feedback models). (A division: libnd4j's
     * broadcast divide_bp is several times faster than multiply_bp by a reciprocal square root, and x*x than square.)
     */
    public static SDVariable normalise(SDVariable x, boolean std) {
        SDVariable den;
        if (std) {
            SDVariable sd = x.std(null, true, true, 2, 3);
            den = x.getSameDiff().math().sqrt(sd.mul(sd).add(EPS));
        } else {
            den = x.getSameDiff().math().sqrt(x.mul(x).mean(true, 2, 3).add(EPS));
        }
        return x.div(den);
    }

    static final class Layer implements FeedbackLayer {
        private final boolean std;

        Layer(boolean std) {
            this.std = std;
        }

        @Override
        public long[] outputShape(long[] inputShape) {
            return inputShape;
        }

        @Override
        public SDVariable forward(FeedbackScope s, SDVariable x) {
            return normalise(x, std);
        }

        @Override
        public SDVariable feedback(FeedbackScope s, SDVariable t) {
            return normalise(t, std);
        }
    }
}
