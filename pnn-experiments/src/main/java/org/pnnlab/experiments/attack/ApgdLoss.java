package org.pnnlab.experiments.attack;

import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pnnlab.api.PnnException;

/**
 * The losses APGD maximises (Croce &amp; Hein 2020), per sample, with their gradients with respect to the logits.
 * All are computed with array ops over the batch; the classes a loss needs (the true one, the target, the largest
 * logits) enter as one-hot rows, so a value is an exact row sum of one logit and zeros.
 */
public enum ApgdLoss {
    /** cross-entropy of the softmax of the logits */
    CE("ce", 2),
    /** difference of logits ratio: {@code −(z_y − max_{j≠y} z_j) / (z_π1 − z_π3 + 1e-12)}, π sorting descending */
    DLR("dlr", 3),
    /** targeted DLR: {@code −(z_y − z_t) / (z_π1 − (z_π3 + z_π4)/2 + 1e-12)} */
    TARGETED_DLR("dlr-targeted", 4);

    private static final double DENOMINATOR_FLOOR = 1e-12;

    private final String label;
    private final int minClasses;

    ApgdLoss(String label, int minClasses) {
        this.label = label;
        this.minClasses = minClasses;
    }

    public String label() {
        return label;
    }

    /** The fewest classes the loss is defined for. */
    public int minClasses() {
        return minClasses;
    }

    /** Fails with one line unless a model with {@code classes} classes can be attacked with this loss. */
    public void requireClasses(int classes) {
        if (classes < minClasses) {
            throw new PnnException("the " + label + " loss needs at least " + minClasses + " classes, the model has "
                    + classes + "; use the ce loss (apgd-ce) for it");
        }
    }

    /**
     * Per-sample values {@code [N]} and {@code ∂(Σ values)/∂logits} {@code [N, K]}.
     *
     * @param labels one-hot true classes {@code [N, K]}
     * @param targets one-hot target classes {@code [N, K]} (targeted DLR only, else null)
     */
    public Evaluated evaluate(INDArray logits, INDArray labels, @Nullable INDArray targets) {
        requireClasses((int) logits.size(1));
        INDArray y = labels.castTo(logits.dataType());
        return switch (this) {
            case CE -> new Evaluated(CrossEntropy.perSample(logits, y), CrossEntropy.sumGradient(logits, y));
            case DLR -> dlr(logits, y);
            case TARGETED_DLR -> {
                if (targets == null) throw new IllegalArgumentException("the targeted DLR loss needs target classes");
                yield targetedDlr(logits, y, targets.castTo(logits.dataType()));
            }
        };
    }

    private static Evaluated dlr(INDArray z, INDArray y) {
        INDArray[] top = Ranking.topOneHots(z, 3);
        INDArray zy = rowValue(z, y);
        INDArray yIsFirst = top[0].mul(y).sum(1);
        INDArray notFirst = yIsFirst.rsub(1.0);
        INDArray s1 = rowValue(z, top[0]);
        INDArray s2 = rowValue(z, top[1]);
        INDArray s3 = rowValue(z, top[2]);
        // the largest other logit: the second if y is the first, else the first
        INDArray numerator = zy.sub(s2.mul(yIsFirst)).subi(s1.mul(notFirst));
        INDArray denominator = s1.sub(s3).addi(DENOMINATOR_FLOOR);
        INDArray value = numerator.div(denominator).negi();
        INDArray other = top[1].mulColumnVector(yIsFirst).addi(top[0].mulColumnVector(notFirst));
        INDArray g = other.sub(y).diviColumnVector(denominator);
        INDArray scale = numerator.div(denominator.mul(denominator));
        g.addi(top[0].sub(top[2]).muliColumnVector(scale));
        return new Evaluated(value, g);
    }

    private static Evaluated targetedDlr(INDArray z, INDArray y, INDArray t) {
        INDArray[] top = Ranking.topOneHots(z, 4);
        INDArray numerator = rowValue(z, y).subi(rowValue(z, t));
        INDArray s1 = rowValue(z, top[0]);
        INDArray denominator = s1.sub(rowValue(z, top[2]).addi(rowValue(z, top[3])).muli(0.5)).addi(DENOMINATOR_FLOOR);
        INDArray value = numerator.div(denominator).negi();
        INDArray g = t.sub(y).diviColumnVector(denominator);
        INDArray scale = numerator.div(denominator.mul(denominator));
        g.addi(top[0].sub(top[2].add(top[3]).muli(0.5)).muliColumnVector(scale));
        return new Evaluated(value, g);
    }

    /** {@code Σ_k z[n,k]·oneHot[n,k]} per row: the logit of the marked class. */
    private static INDArray rowValue(INDArray z, INDArray oneHot) {
        return z.mul(oneHot).sum(1);
    }

    /** Per-sample loss values {@code [N]} and their gradient with respect to the logits {@code [N, K]}. */
    public record Evaluated(INDArray values, INDArray logitsGradient) {
    }

    /** Classes ranked by logit, as one-hot rows. */
    static final class Ranking {
        private Ranking() {
        }

        /**
         * One-hot rows {@code [N, K]} of the classes with the largest, second largest, … logit ({@code count} of
         * them), by repeated argmax with the classes already taken pushed to the bottom (to −Float.MAX_VALUE, finite
         * in float32 too: an infinity there would turn the products with 0 into NaN).
         */
        static INDArray[] topOneHots(INDArray z, int count) {
            int classes = (int) z.size(1);
            INDArray work = z.dup();
            INDArray[] out = new INDArray[count];
            for (int r = 0; r < count; r++) {
                INDArray oh = CrossEntropy.oneHot(work.argMax(1), classes, z.dataType());
                out[r] = oh;
                if (r + 1 < count) work.muli(oh.rsub(1.0)).addi(oh.mul(-Float.MAX_VALUE));
            }
            return out;
        }

        /** The class with the {@code rank}-th largest logit of each row (rank 1 = the largest), {@code [N]} int64. */
        static INDArray classAtRank(INDArray z, int rank) {
            INDArray[] top = topOneHots(z, rank);
            return top[rank - 1].argMax(1).castTo(DataType.INT64);
        }
    }
}
