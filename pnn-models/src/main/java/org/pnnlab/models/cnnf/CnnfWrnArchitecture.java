package org.pnnlab.models.cnnf;

import static org.pnnlab.models.cnnf.FeedbackParts.params;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.PnnException;
import org.pnnlab.layers.feedback.FeedbackArchitecture;
import org.pnnlab.layers.feedback.FeedbackModel;
import org.pnnlab.layers.feedback.InsNormPlugin;

/**
 * {@code cnnf-wrn}: the CIFAR-10 CNN-F, a pre-activation wide ResNet with feedback (spec CNNF 3). Options:
 * {@code depth} (40; (depth-4)/6 blocks per group), {@code widen} (2), {@code ind} (0-5: later passes restart
 * after that block of the first group), {@code cycles}, {@code res}.
 */
public final class CnnfWrnArchitecture implements FeedbackArchitecture {
    public static final String ID = "cnnf-wrn";
    static final Set<String> OPTIONS = Set.of("depth", "widen", "ind", "cycles", "res");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public FeedbackModel build(Map<String, String> options, long[] in, int classes) {
        String name = "model cnnf_wrn";
        FeedbackParts.checkKnown(name, options, OPTIONS);
        int depth = FeedbackParts.intOption(name, options, "depth", 40, 10, 1000);
        if ((depth - 4) % 6 != 0) throw new PnnException(name + ": depth=" + depth + " must be 6n+4 (e.g. 16, 28, 40)");
        int n = (depth - 4) / 6;
        int widen = FeedbackParts.intOption(name, options, "widen", 2, 1, 16);
        int ind = FeedbackParts.intOption(name, options, "ind", 5, 0, n - 1);
        int cycles = FeedbackParts.intOption(name, options, "cycles", 2, 0, 100);
        double res = FeedbackParts.doubleOption(name, options, "res", 0.1, 0, 1);
        if (in[1] % 4 != 0 || in[2] % 4 != 0) {
            throw new PnnException(name + ": input " + in[0] + "x" + in[1] + "x" + in[2] + " must have a size divisible by 4");
        }
        return new Model(new FeedbackParts(name), in, classes, n, widen, ind, cycles, res);
    }

    /** One pre-activation basic block's layer names and shape. */
    record Block(String p, long in, long out, boolean shortcut) {
    }

    static final class Model extends FeedbackModel {
        private final List<List<Block>> groups = new ArrayList<>();
        private final int ind;
        private final long headC;
        private final long headH;
        private final long headW;

        Model(FeedbackParts parts, long[] in, int classes, int n, int widen, int ind, int cycles, double res) {
            super(new long[]{classes}, cycles, res);
            this.ind = ind;
            long[] ch = {16, 16L * widen, 32L * widen, 64L * widen};
            long h = in[1];
            long w = in[2];
            add("conv1", parts.layer("fb-conv", params("kernel", 3, "stride", 1, "padding", 1), "conv1", in[0], ch[0], h, w));
            long prev = ch[0];
            for (int g = 1; g <= 3; g++) {
                List<Block> blocks = new ArrayList<>();
                for (int b = 1; b <= n; b++) {
                    int stride = (b == 1 && g > 1) ? 2 : 1;
                    long out = ch[g];
                    String p = "g" + g + "b" + b;
                    Block blk = new Block(p, prev, out, prev != out);
                    add(p + "bias1", parts.layer("fb-bias", params("over", "channels"), p + "bias1", prev, prev, h, w));
                    add(p + "relu1", parts.layer("adarelu", params("res", res), p + "relu1", prev, prev, h, w));
                    add(p + "conv1", parts.layer("fb-conv", params("kernel", 3, "stride", stride, "padding", 1), p + "conv1", prev, out, h, w));
                    long oh = (h + 2 - 3) / stride + 1;
                    long ow = (w + 2 - 3) / stride + 1;
                    add(p + "bias2", parts.layer("fb-bias", params("over", "channels"), p + "bias2", out, out, oh, ow));
                    add(p + "relu2", parts.layer("adarelu", params("res", res), p + "relu2", out, out, oh, ow));
                    add(p + "conv2", parts.layer("fb-conv", params("kernel", 3, "stride", 1, "padding", 1), p + "conv2", out, out, oh, ow));
                    if (blk.shortcut()) {
                        add(p + "short", parts.layer("fb-conv", params("kernel", 1, "stride", stride, "padding", 0), p + "short", prev, out, h, w));
                    }
                    blocks.add(blk);
                    prev = out;
                    h = oh;
                    w = ow;
                }
                groups.add(blocks);
            }
            headC = prev;
            headH = h;
            headW = w;
            add("headbias", parts.layer("fb-bias", params("over", "channels"), "headbias", prev, prev, h, w));
            add("headrelu", parts.layer("adarelu", params("res", res), "headrelu", prev, prev, h, w));
            add("fc", parts.layer("fb-linear", params(), "fc", prev, classes, 1, 1));
            add("fcbias", parts.layer("fb-bias", params("over", "features"), "fcbias", classes, classes, 1, 1));
        }

        private static SDVariable ins(SDVariable x) {
            return InsNormPlugin.normalise(x, false);
        }

        private SDVariable blockForward(Block b, SDVariable x) {
            SDVariable a = fwd(ins(x), b.p() + "bias1", b.p() + "relu1");
            SDVariable u = fwd(ins(fwd(b.p() + "conv1", a)), b.p() + "bias2", b.p() + "relu2");
            SDVariable v = fwd(b.p() + "conv2", u);
            return b.shortcut() ? fwd(b.p() + "short", a).add(v) : x.add(v);
        }

        private SDVariable blockFeedback(Block b, SDVariable t) {
            SDVariable u = fb(b.p() + "relu2", ins(fb(b.p() + "conv2", t)));
            u = ins(fb(b.p() + "conv1", u));
            if (b.shortcut()) u = fb(b.p() + "short", t).add(u);
            u = fb(b.p() + "relu1", u);
            return b.shortcut() ? u : t.add(u);
        }

        private SDVariable head(SDVariable x) {
            SDVariable a = fwd(ins(x), "headbias", "headrelu");
            SDVariable pooled = a.mean(2, 3);
            return fwd(pooled, "fc", "fcbias");
        }

        /** Blocks of group 1 from index {@code from} (0-based) on, then groups 2, 3 and the head. */
        private SDVariable[] upFrom(int from, SDVariable x, SDVariable[] groupOut) {
            SDVariable v = x;
            for (int g = 0; g < 3; g++) {
                List<Block> blocks = groups.get(g);
                for (int b = g == 0 ? from : 0; b < blocks.size(); b++) {
                    v = blockForward(blocks.get(b), v);
                    if (g == 0 && b == ind - 1) groupOut[3] = v;
                }
                groupOut[g] = v;
            }
            return new SDVariable[]{head(v)};
        }

        @Override
        public FirstPass first(SDVariable x) {
            SDVariable[] outs = new SDVariable[4];
            SDVariable logits = upFrom(0, fwd("conv1", x), outs)[0];
            SDVariable origin = ind == 0 ? x : outs[3];
            return new FirstPass(logits, origin, List.of(outs[0], outs[1], outs[2]));
        }

        @Override
        public SDVariable later(SDVariable ff) {
            SDVariable start = ind == 0 ? fwd("conv1", ff) : ff;
            return upFrom(ind, start, new SDVariable[4])[0];
        }

        @Override
        public Reconstruction feedback(SDVariable logits) {
            SDVariable t = fb("fc", logits).reshape(-1, headC, 1, 1);
            SDVariable ones = t.getSameDiff().constant(Nd4j.ones(t.dataType(), 1, 1, headH, headW));
            t = fb("headrelu", ins(t.mul(ones)));
            SDVariable block3 = t;
            SDVariable[] recon = new SDVariable[3];
            recon[2] = block3;
            for (int g = 2; g >= 0; g--) {
                List<Block> blocks = groups.get(g);
                int stop = g == 0 ? ind : 0;
                for (int b = blocks.size() - 1; b >= stop; b--) t = blockFeedback(blocks.get(b), t);
                if (g > 0) recon[g - 1] = t;
            }
            SDVariable origin = ind == 0 ? fb("conv1", t) : t;
            return new Reconstruction(origin, List.of(recon[0], recon[1], recon[2]));
        }
    }
}
