package org.pnnlab.experiments.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.ThreatNorm;

/**
 * The Square attack in L∞ (Andriushchenko et al., ECCV 2020), score-based: it only queries the logits. It minimises
 * the margin {@code z_y − max_{j≠y} z_j}, starting from vertical stripes ({@code x ± eps} per channel and column),
 * and each query changes one square window of side {@code s} to a random corner of the eps-box (a sign per image and
 * channel), kept if it lowers the margin. The square's area is the share {@code p} of the image, {@code p_init =
 * 0.8} halved at the published query counts (10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000 of a budget rescaled
 * to 10 000). Only points still classified correctly are queried, and a point stops as soon as it is fooled; the
 * first query is the stripes' start. The window's position is drawn per query for the batch.
 */
public final class SquareAttack implements FoolingAttack {
    /**
     * @param eps the L∞ radius in [0, 1] pixel units
     * @param queries the query budget per image (published: 5 000)
     * @param pInit the initial share of the image a square covers (published: 0.8)
     */
    public record Settings(double eps, int queries, double pInit) {
        public Settings {
            if (!(eps > 0) || !Double.isFinite(eps)) throw new PnnException("Square needs eps > 0, got " + eps);
            if (queries < 1) {
                throw new PnnException("the Square query budget (--queries) must be >= 1, got " + queries
                        + " (published: 5000)");
            }
            if (!(pInit > 0 && pInit <= 1)) throw new PnnException("Square's p_init must be in (0, 1], got " + pInit);
        }

        public static Settings standard(double eps, int queries) {
            return new Settings(eps, queries, 0.8);
        }
    }

    private final Settings settings;

    public SquareAttack(Settings settings) {
        this.settings = settings;
    }

    /** Fails with one line unless the threat model's norm is one this attack implements. */
    public static void requireNorm(ThreatNorm norm) {
        if (norm != ThreatNorm.LINF) {
            throw new PnnException("the square attack is implemented for Linf only, the threat model is " + norm
                    + "; use --norm Linf, or apgd-ce/apgd-t for L2");
        }
    }

    @Override
    public String name() {
        return "square";
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attack", name());
        m.put("norm", ThreatNorm.LINF.label());
        m.put("eps", settings.eps());
        m.put("queries", settings.queries());
        m.put("pInit", settings.pInit());
        m.put("loss", "margin");
        return m;
    }

    /**
     * The share of the image a square covers at query {@code i} of a budget of {@code n}: {@code p_init} divided by
     * 2, 4, …, 512 after the published query counts of a 10 000-query budget, rescaled to {@code n}.
     */
    public static double share(double pInit, int i, int n) {
        int it = (int) ((double) i / n * 10000);
        int[] bounds = {10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000};
        double p = pInit;
        for (int b : bounds) {
            if (it > b) p /= 2;
        }
        return p;
    }

    @Override
    public Outcome attack(AttackTarget target, INDArray x, INDArray labelsOneHot, long seed) {
        Ops.checkBatch(x, labelsOneHot);
        if (x.rank() != 4) throw new IllegalArgumentException("Square needs images [N, C, H, W], got rank " + x.rank());
        INDArray xc = x.dup('c');
        INDArray y = labelsOneHot.castTo(x.dataType());
        INDArray robust = Apgd.correct(target.logits(xc), y);
        INDArray adversarial = Apgd.flat(xc).dup();
        int[] idx = Ops.nonZero(robust);
        if (idx.length == 0) return new Outcome(xc, robust);
        long[] shape = x.shape();
        int c = (int) shape[1];
        int h = (int) shape[2];
        int w = (int) shape[3];
        int d = c * h * w;
        double eps = settings.eps();
        Random rng = Ops.rng(seed);
        SplittableRandom positions = new SplittableRandom(Ops.derive(seed, 1));

        INDArray clean = Apgd.flat(Ops.rows(xc, idx));
        INDArray ys = Ops.rows(y, idx);
        int b = idx.length;
        INDArray lo = clean.sub(eps);
        INDArray hi = clean.add(eps);
        // the start: x ± eps, one sign per image, channel and column (vertical stripes)
        INDArray stripes = signs(rng, (long) b * c, w).castTo(x.dataType()).reshape('c', (long) b * c, 1, w).repeat(1, h)
                .reshape('c', b, d);
        INDArray best = Ops.clampi(clean.add(stripes.muli(eps)), 0, 1);
        INDArray margin = margins(target.logits(best.reshape('c', b, c, h, w)), ys).reshape('c', b, 1).dup(); // a column
        for (int i = 1; i < settings.queries(); i++) {
            int[] active = Ops.nonZero(margin.gt(0.0));
            if (active.length == 0) break;
            int s = (int) Math.max(Math.round(Math.sqrt(share(settings.pInit(), i, settings.queries()) * d / c)), 1);
            s = Math.min(s, Math.min(h, w));
            int top = positions.nextInt(h - s + 1);
            int left = positions.nextInt(w - s + 1);
            INDArray window = Nd4j.zeros(x.dataType(), h, w);
            window.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(top, top + s),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(left, left + s)).assign(1.0);
            int a = active.length;
            // the window moved to a random corner of the box: x_best + 2·eps·sign, then projected
            INDArray delta = signs(rng, (long) a * c, 1).castTo(x.dataType()).mmul(window.reshape('c', 1, (long) h * w)).reshape('c', a, d)
                    .muli(2 * eps);
            INDArray candidate = Ops.rows(best, active).addi(delta);
            Transforms.max(candidate, Ops.rows(lo, active), false);
            Transforms.min(candidate, Ops.rows(hi, active), false);
            Ops.clampi(candidate, 0, 1);
            INDArray m = margins(target.logits(candidate.reshape('c', a, c, h, w)), Ops.rows(ys, active))
                    .reshape('c', a, 1);
            INDArray marginA = Ops.rows(margin, active);
            INDArray improved = m.lt(marginA).castTo(x.dataType());
            INDArray bestA = Ops.rows(best, active);
            Apgd.blendRowsi(bestA, candidate, improved);
            Apgd.blendRowsi(marginA, m, improved);
            Ops.putRows(best, active, bestA);
            Ops.putRows(margin, active, marginA);
        }
        int[] fooled = Ops.nonZero(margin.lte(0.0));
        for (int f : fooled) {
            robust.putScalar(idx[f], 0);
            adversarial.putRow(idx[f], best.getRow(f));
        }
        return new Outcome(adversarial.reshape('c', shape), robust);
    }

    /** {@code z_y − max_{j≠y} z_j} per row. */
    static INDArray margins(INDArray logits, INDArray labelsOneHot) {
        INDArray y = labelsOneHot.castTo(logits.dataType());
        INDArray zy = logits.mul(y).sum(1);
        INDArray others = logits.mul(y.rsub(1.0)).addi(y.mul(-Float.MAX_VALUE)).max(1);
        return zy.subi(others);
    }

    /** Random ±1 entries {@code [rows, cols]}. */
    private static INDArray signs(Random rng, long rows, long cols) {
        INDArray bits = Nd4j.createUninitialized(org.nd4j.linalg.api.buffer.DataType.DOUBLE, rows, cols);
        Nd4j.getExecutioner().exec(new BernoulliDistribution(bits, 0.5), rng);
        return bits.muli(2).subi(1);
    }
}
