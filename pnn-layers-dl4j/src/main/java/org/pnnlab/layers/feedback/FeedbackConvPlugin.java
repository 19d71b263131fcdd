package org.pnnlab.layers.feedback;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.feedback.FeedbackLayer;
import org.pnnlab.api.feedback.FeedbackScope;

/**
 * {@code fb-conv}: convolution without bias whose feedback is the transposed convolution with the same
 * weight (spec CNNF 1.1). Output padding of the feedback is 1 for stride &gt; 1, so for the sizes the models
 * use the feedback is the exact adjoint of the forward map. Weight {@code W} {@code [Cout, Cin, k, k]},
 * initialised N(0, 2/(k*k*Cout)).
 */
public final class FeedbackConvPlugin extends FeedbackPluginBase {
    public static final String ID = "fb-conv";

    public FeedbackConvPlugin() {
        super(ID, "convolution (no bias) with tied transposed-convolution feedback (CNN-F)", List.of(
                ParamSpec.intParam("kernel", 3, 1, 15, "square kernel size"),
                ParamSpec.intParam("stride", 1, 1, 4, "stride"),
                ParamSpec.intParam("padding", -1, -1, 15, "zero padding; -1 = kernel/2")));
    }

    @Override
    public FeedbackLayer createFeedback(LayerParams p, LayerContext ctx) {
        int k = p.getInt("kernel");
        int s = p.getInt("stride");
        int pad = p.getInt("padding") < 0 ? k / 2 : p.getInt("padding");
        if (ctx.height() + 2 * pad < k || ctx.width() + 2 * pad < k) {
            throw new PnnException("slot '" + ctx.slotName() + "': a " + k + "x" + k + " convolution with padding " + pad
                    + " does not fit its " + ctx.height() + "x" + ctx.width() + " input");
        }
        return new Layer(ctx.inChannels(), ctx.outChannels(), k, s, pad, ctx.height(), ctx.width());
    }

    static final class Layer implements FeedbackLayer {
        private final long cin;
        private final long cout;
        private final int k;
        private final int stride;
        private final int pad;
        private final long inH;
        private final long inW;

        Layer(long cin, long cout, int k, int stride, int pad, long inH, long inW) {
            this.inH = inH;
            this.inW = inW;
            this.cin = cin;
            this.cout = cout;
            this.k = k;
            this.stride = stride;
            this.pad = pad;
        }

        @Override
        public Map<String, long[]> parameters() {
            Map<String, long[]> m = new LinkedHashMap<>();
            m.put("W", new long[]{cout, cin, k, k});
            return m;
        }

        @Override
        public void initialize(Map<String, INDArray> params, long seed) {
            INDArray w = params.get("W");
            SplittableRandom rng = new SplittableRandom(seed);
            double std = Math.sqrt(2.0 / (k * k * cout));
            double[] v = new double[(int) w.length()];
            for (int i = 0; i < v.length; i++) v[i] = rng.nextGaussian() * std;
            w.assign(Nd4j.create(v, w.shape()).castTo(w.dataType()));
        }

        @Override
        public long[] outputShape(long[] in) {
            return new long[]{cout, (in[1] + 2L * pad - k) / stride + 1, (in[2] + 2L * pad - k) / stride + 1};
        }

        /** The weight as [kH, kW, Cin, Cout]: libnd4j's layout for conv2d and, read as [kH, kW, out, in], for deconv2d. */
        private SDVariable yxio(FeedbackScope s) {
            return s.param("W").permute(2, 3, 1, 0);
        }

        @Override
        public SDVariable forward(FeedbackScope s, SDVariable x) {
            Conv2DConfig c = Conv2DConfig.builder().kH(k).kW(k).sH(stride).sW(stride).pH(pad).pW(pad)
                    .dataFormat("NCHW").build();
            return s.sd().cnn().conv2d(x, yxio(s), c);
        }

        @Override
        public SDVariable feedback(FeedbackScope s, SDVariable t) {
            // full transposed convolution (no padding), then crop `pad` at the start and keep the forward's input
            // size; output padding = 1 for stride > 1 may need one more row/column than the full map has (zeros)
            DeConv2DConfig c = DeConv2DConfig.builder().kH(k).kW(k).sH(stride).sW(stride).pH(0).pW(0)
                    .dataFormat("NCHW").build();
            SDVariable full = s.sd().cnn().deconv2d(t, yxio(s), c);
            return cropOrPad(s, full, outSize(tH()), outSize(tW()));
        }

        // sizes of the top-down input: the forward's output size
        private long tH() {
            return (inH + 2L * pad - k) / stride + 1;
        }

        private long tW() {
            return (inW + 2L * pad - k) / stride + 1;
        }

        private long outSize(long t) {
            int op = stride > 1 ? 1 : 0;
            return (t - 1) * stride - 2L * pad + k + op;
        }

        private SDVariable cropOrPad(FeedbackScope s, SDVariable full, long outH, long outW) {
            long fullH = (tH() - 1) * stride + k;
            long fullW = (tW() - 1) * stride + k;
            long endH = Math.min(fullH, pad + outH);
            long endW = Math.min(fullW, pad + outW);
            SDVariable v = full;
            if (pad > 0 || endH < fullH || endW < fullW) {
                v = s.sd().stridedSlice(full, new long[]{0, 0, pad, pad}, new long[]{0, 0, endH, endW},
                        new long[]{1, 1, 1, 1}, 3, 3, 0, 0, 0);
            }
            long extraH = pad + outH - endH;
            long extraW = pad + outW - endW;
            if (extraH > 0 || extraW > 0) {
                INDArray padding = Nd4j.createFromArray(new int[][]{{0, 0}, {0, 0}, {0, (int) extraH}, {0, (int) extraW}});
                v = s.sd().nn().pad(v, s.sd().constant(padding), 0.0);
            }
            return v;
        }
    }

}
