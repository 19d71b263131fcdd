package org.pnnlab.layers.feedback;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.feedback.FeedbackLayer;
import org.pnnlab.api.feedback.FeedbackScope;

/**
 * {@code fb-linear}: {@code y = x W^T} without bias; feedback {@code t W} with the same weight (spec CNNF
 * 1.2, the tied version: one weight, one gradient summing both uses). {@code W} {@code [out, in]},
 * initialised U(-1/sqrt(in), 1/sqrt(in)). Input features = the context's input channels x height x width.
 */
public final class FeedbackLinearPlugin extends FeedbackPluginBase {
    public static final String ID = "fb-linear";

    public FeedbackLinearPlugin() {
        super(ID, "linear map (no bias) with tied transposed feedback (CNN-F)", List.of());
    }

    @Override
    public FeedbackLayer createFeedback(LayerParams p, LayerContext ctx) {
        return new Layer(ctx.inChannels() * (long) ctx.height() * ctx.width(), ctx.outChannels());
    }

    static final class Layer implements FeedbackLayer {
        private final long in;
        private final long out;

        Layer(long in, long out) {
            this.in = in;
            this.out = out;
        }

        @Override
        public Map<String, long[]> parameters() {
            Map<String, long[]> m = new LinkedHashMap<>();
            m.put("W", new long[]{out, in});
            return m;
        }

        @Override
        public void initialize(Map<String, INDArray> params, long seed) {
            INDArray w = params.get("W");
            SplittableRandom rng = new SplittableRandom(seed);
            double bound = 1 / Math.sqrt(in);
            double[] v = new double[Math.toIntExact(w.length())];
            for (int i = 0; i < v.length; i++) v[i] = (2 * rng.nextDouble() - 1) * bound;
            w.assign(Nd4j.create(v, w.shape()).castTo(w.dataType()));
        }

        @Override
        public long[] outputShape(long[] inputShape) {
            return new long[]{out};
        }

        @Override
        public SDVariable forward(FeedbackScope s, SDVariable x) {
            return s.sd().mmul(x, s.param("W"), false, true, false);
        }

        @Override
        public SDVariable feedback(FeedbackScope s, SDVariable t) {
            return s.sd().mmul(t, s.param("W"));
        }
    }
}
