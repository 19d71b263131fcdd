package org.pnnlab.models.cnnf;

import static org.pnnlab.models.cnnf.FeedbackParts.params;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.pnnlab.api.PnnException;
import org.pnnlab.layers.feedback.FeedbackArchitecture;
import org.pnnlab.layers.feedback.FeedbackModel;
import org.pnnlab.layers.feedback.InsNormPlugin;

/**
 * {@code cnnf-fmnist}: the Fashion-MNIST CNN-F (spec CNNF 2). Four 3x3 convolutions (16, 32, 32, 64
 * channels), each followed by RMS normalisation, a bias and an adaptive ReLU; adaptive 2x2 pooling after the
 * third and fourth; three linear layers (1000, 128, classes) with biases and adaptive ReLUs between them. The
 * feedback pass runs the transposes top-down with an RMS normalisation at the top of each convolutional
 * stage. Options: {@code ind} (0, 1, 2: the level later passes restart from), {@code cycles}, {@code res}.
 */
public final class CnnfFashionArchitecture implements FeedbackArchitecture {
    public static final String ID = "cnnf-fmnist";
    static final Set<String> OPTIONS = Set.of("ind", "cycles", "res");

    @Override
    public String id() {
        return ID;
    }

    @Override
    public FeedbackModel build(Map<String, String> options, long[] in, int classes) {
        String name = "model cnnf";
        FeedbackParts.checkKnown(name, options, OPTIONS);
        int ind = FeedbackParts.intOption(name, options, "ind", 2, 0, 2);
        int cycles = FeedbackParts.intOption(name, options, "cycles", 1, 0, 100);
        double res = FeedbackParts.doubleOption(name, options, "res", 0.1, 0, 1);
        if (in[1] % 4 != 0 || in[2] % 4 != 0) {
            throw new PnnException(name + ": input " + in[0] + "x" + in[1] + "x" + in[2]
                    + " must have a height and width divisible by 4 (two 2x2 poolings)");
        }
        return new Model(new FeedbackParts(name), in, classes, ind, cycles, res);
    }

    static final class Model extends FeedbackModel {
        private final int ind;

        Model(FeedbackParts parts, long[] in, int classes, int ind, int cycles, double res) {
            super(new long[]{classes}, cycles, res);
            this.ind = ind;
            long c = in[0];
            long h = in[1];
            long w = in[2];
            long[] widths = {16, 32, 32, 64};
            long prev = c;
            for (int i = 1; i <= 4; i++) {
                long out = widths[i - 1];
                add("conv" + i, parts.layer("fb-conv", params("kernel", 3, "stride", 1, "padding", 1), "conv" + i, prev, out, h, w));
                add("bias" + i, parts.layer("fb-bias", params("over", "channels"), "bias" + i, out, out, h, w));
                add("relu" + i, parts.layer("adarelu", params("res", res), "relu" + i, out, out, h, w));
                if (i >= 3) {
                    add("pool" + i, parts.layer("adapool", params(), "pool" + i, out, out, h, w));
                    h /= 2;
                    w /= 2;
                }
                prev = out;
            }
            add("flatten", parts.layer("flatten", params(), "flatten", prev, prev, h, w));
            long[] fc = {1000, 128, classes};
            long features = prev * h * w;
            for (int i = 1; i <= 3; i++) {
                add("fc" + i, parts.layer("fb-linear", params(), "fc" + i, features, fc[i - 1], 1, 1));
                add("fcbias" + i, parts.layer("fb-bias", params("over", "features"), "fcbias" + i, fc[i - 1], fc[i - 1], 1, 1));
                if (i < 3) add("relu" + (4 + i), parts.layer("adarelu", params("res", res), "relu" + (4 + i), fc[i - 1], fc[i - 1], 1, 1));
                features = fc[i - 1];
            }
        }

        private SDVariable stage(int i, SDVariable x) {
            SDVariable v = fwd("conv" + i, x);
            v = InsNormPlugin.normalise(v, false);
            return fwd(v, "bias" + i, "relu" + i);
        }

        /** Rows from convolution {@code from} (1-based) up to the logits; records F1, F2, block1, block2. */
        private SDVariable[] upFrom(int from, SDVariable x) {
            SDVariable[] named = new SDVariable[4]; // F1, F2, block1, block2
            SDVariable v = x;
            for (int i = from; i <= 4; i++) {
                v = stage(i, v);
                named[i - 1] = v;
                if (i >= 3) v = fwd("pool" + i, v);
            }
            v = fwd(v, "flatten", "fc1", "fcbias1", "relu5", "fc2", "fcbias2", "relu6", "fc3", "fcbias3");
            SDVariable[] out = new SDVariable[5];
            System.arraycopy(named, 0, out, 0, 4);
            out[4] = v;
            return out;
        }

        @Override
        public FirstPass first(SDVariable x) {
            SDVariable[] r = upFrom(1, x);
            SDVariable origin = switch (ind) {
                case 0 -> x;
                case 1 -> r[0];
                default -> r[1];
            };
            return new FirstPass(r[4], origin, List.of(r[2], r[3]));
        }

        @Override
        public SDVariable later(SDVariable ff) {
            return upFrom(ind + 1, ff)[4];
        }

        @Override
        public Reconstruction feedback(SDVariable logits) {
            SDVariable t = fb(logits, "fc3", "relu6", "fc2", "relu5", "fc1", "flatten");
            t = InsNormPlugin.normalise(t, false);
            SDVariable block2 = fb(t, "pool4", "relu4");
            t = InsNormPlugin.normalise(fb("conv4", block2), false);
            SDVariable block1 = fb(t, "pool3", "relu3");
            SDVariable recon = fb("conv3", block1);
            if (ind <= 1) {
                t = InsNormPlugin.normalise(recon, false);
                recon = fb(fb("relu2", t), "conv2");
            }
            if (ind == 0) {
                t = InsNormPlugin.normalise(recon, false);
                recon = fb(fb("relu1", t), "conv1");
            }
            return new Reconstruction(recon, List.of(block1, block2));
        }
    }
}
