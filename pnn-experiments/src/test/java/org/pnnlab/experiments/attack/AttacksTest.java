package org.pnnlab.experiments.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.api.PnnException;

/** The attacks on a hand-written linear softmax model whose gradient is known in closed form. */
class AttacksTest {
    static final int N = 6;
    static final int C = 2;
    static final int H = 3;
    static final int D = C * H * H;
    static final int K = 5;
    static final int DEAD = 4; // input coordinate with an all-zero weight row: its gradient is exactly 0

    static LinearSoftmaxTarget model() {
        LinearSoftmaxTarget m = LinearSoftmaxTarget.random(D, K, 42, 1.5);
        java.util.Arrays.fill(m.w[DEAD], 0);
        return m;
    }

    /** Inputs in [−1, 1], a few exactly on the bounds. */
    static double[][] inputs(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[N][D];
        for (int i = 0; i < N; i++) for (int d = 0; d < D; d++) x[i][d] = 2 * r.nextDouble() - 1;
        x[0][1] = 1;
        x[1][2] = -1;
        x[2][0] = 0.999;
        return x;
    }

    static int[] labels() {
        return new int[]{0, 1, 2, 3, 4, 0};
    }

    static INDArray image(double[][] flat) {
        return Nd4j.createFromArray(flat).reshape('c', N, C, H, H);
    }

    static INDArray oneHot(int[] labels) {
        return CrossEntropy.oneHot(Nd4j.createFromArray(labels), K, DataType.DOUBLE);
    }

    static double[][] rows(INDArray x) {
        return x.reshape('c', x.size(0), x.length() / x.size(0)).toDoubleMatrix();
    }

    static double clamp(double v, double lo, double hi) {
        return Math.min(Math.max(v, lo), hi);
    }

    static void assertClose(double[][] want, INDArray got, double tol) {
        double[][] g = rows(got);
        for (int i = 0; i < want.length; i++) {
            for (int d = 0; d < want[i].length; d++) {
                assertEquals(want[i][d], g[i][d], tol, "sample " + i + ", coordinate " + d);
            }
        }
    }

    // ---- cross-entropy helpers ----

    @Test
    void crossEntropyIsStableAndMatchesTheDefinition() {
        INDArray logits = Nd4j.createFromArray(new double[][]{{1, 2, 3}, {1000, 0, -1000}, {-5, -5, -5}});
        INDArray y = CrossEntropy.oneHot(Nd4j.createFromArray(2, 1, 0), 3, DataType.DOUBLE);
        double[] ce = CrossEntropy.perSample(logits, y).toDoubleVector();
        assertEquals(Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3, ce[0], 1e-14);
        assertEquals(1000, ce[1], 1e-9, "no overflow for large logits");
        assertEquals(Math.log(3), ce[2], 1e-14);
        INDArray p = CrossEntropy.softmax(logits);
        assertArrayEquals(new double[]{1, 1, 1}, p.sum(1).toDoubleVector(), 1e-14);
        assertEquals(p.sub(y), CrossEntropy.sumGradient(logits, y));
        assertThrows(IllegalArgumentException.class, () -> CrossEntropy.oneHot(Nd4j.createFromArray(0, 3), 3, DataType.DOUBLE));
    }

    @Test
    void signOfZeroIsZero() {
        INDArray s = Transforms.sign(Nd4j.createFromArray(-2.0, -0.0, 0.0, 3e-300), true);
        assertArrayEquals(new double[]{-1, 0, 0, 1}, s.toDoubleVector(), 0);
    }

    // ---- FGSM ----

    @Test
    void fgsmIsTheClosedForm() {
        LinearSoftmaxTarget m = model();
        double[][] x = inputs(1);
        int[] lab = labels();
        double eps = 0.3;
        INDArray adv = new Fgsm(ThreatModel.fgsm(eps, -1, 1)).perturb(m, image(x), oneHot(lab), 0);
        assertArrayEquals(new long[]{N, C, H, H}, adv.shape());
        double[][] want = new double[N][D];
        for (int i = 0; i < N; i++) {
            double[] g = m.gradientByHand(x[i], lab[i]);
            for (int d = 0; d < D; d++) want[i][d] = clamp(x[i][d] + eps * Math.signum(g[d]), -1, 1);
        }
        assertClose(want, adv, 1e-15);
        for (int i = 0; i < N; i++) assertEquals(x[i][DEAD], rows(adv)[i][DEAD], 0, "zero gradient, no change");
        assertEquals(1, m.gradientCalls);
    }

    // ---- PGD ----

    /** PGD written with Java loops from the spec, for one set of inputs. */
    static double[][] pgdByHand(LinearSoftmaxTarget m, double[][] x, int[] lab, double[][] start, ThreatModel t) {
        double lo = t.clipMin();
        double hi = t.clipMax();
        double[][] delta = new double[N][D];
        for (int i = 0; i < N; i++) for (int d = 0; d < D; d++) delta[i][d] = clamp(x[i][d] + start[i][d], lo, hi) - x[i][d];
        for (int s = 0; s < t.steps(); s++) {
            for (int i = 0; i < N; i++) {
                double[] xi = new double[D];
                for (int d = 0; d < D; d++) xi[d] = x[i][d] + delta[i][d];
                double[] g = m.gradientByHand(xi, lab[i]);
                for (int d = 0; d < D; d++) {
                    double v = clamp(delta[i][d] + t.step() * Math.signum(g[d]), -t.eps(), t.eps());
                    delta[i][d] = clamp(x[i][d] + v, lo, hi) - x[i][d];
                }
            }
        }
        double[][] out = new double[N][D];
        for (int i = 0; i < N; i++) for (int d = 0; d < D; d++) out[i][d] = clamp(x[i][d] + delta[i][d], lo, hi);
        return out;
    }

    @Test
    void pgdFollowsTheSpecStepByStep() {
        LinearSoftmaxTarget m = model();
        double[][] x = inputs(2);
        ThreatModel t = ThreatModel.pgd(0.2, 0.071, 7, -1, 1);
        Pgd pgd = new Pgd(t);
        INDArray start = pgd.randomStart(image(x), 5);
        INDArray adv = pgd.perturbFrom(m, image(x), oneHot(labels()), start);
        assertClose(pgdByHand(m, x, labels(), rows(start), t), adv, 1e-12);
        assertEquals(7, m.gradientCalls, "one gradient per step");
        // perturb with the same seed uses exactly that start
        assertEquals(adv, pgd.perturb(m, image(x), oneHot(labels()), 5));
    }

    @Test
    void pgdStaysInTheBallAndTheRangeAndRaisesTheLoss() {
        LinearSoftmaxTarget m = model();
        INDArray x = image(inputs(3));
        INDArray y = oneHot(labels());
        // a range tighter than the data, so the clip is active
        ThreatModel t = ThreatModel.pgd(0.25, 0.1, 10, -0.9, 0.95);
        INDArray xIn = Ops.clampi(x.dup(), -0.9, 0.95);
        INDArray adv = new Pgd(t).perturb(m, xIn, y, 11);
        double linf = adv.sub(xIn).amaxNumber().doubleValue();
        assertTrue(linf <= 0.25 + 1e-12, "‖δ‖∞ = " + linf);
        assertTrue(linf > 0.2, "the attack moves: ‖δ‖∞ = " + linf);
        assertTrue(adv.minNumber().doubleValue() >= -0.9 && adv.maxNumber().doubleValue() <= 0.95, "inside the range");
        double clean = CrossEntropy.sum(m.logits(xIn), y);
        double attacked = CrossEntropy.sum(m.logits(adv), y);
        assertTrue(attacked > clean + 1, "loss " + clean + " -> " + attacked);
        // random-start samples: uniform in [−eps, eps], centred, not degenerate
        INDArray r = new Pgd(t).randomStart(Nd4j.zeros(DataType.DOUBLE, 200, 50), 3);
        assertTrue(r.amaxNumber().doubleValue() <= 0.25 && r.amaxNumber().doubleValue() > 0.24);
        assertEquals(0, r.meanNumber().doubleValue(), 0.01);
        assertEquals(0.25 * 0.25 / 3, r.varNumber().doubleValue(), 0.002);
    }

    @Test
    void pgdIsReproducibleForASeed() {
        LinearSoftmaxTarget m = model();
        INDArray x = image(inputs(4));
        INDArray y = oneHot(labels());
        Pgd pgd = new Pgd(ThreatModel.pgd(0.2, 0.05, 3, -1, 1));
        INDArray a = pgd.perturb(m, x, y, 99);
        Nd4j.getRandom().setSeed(12345); // the global generator must not matter
        Nd4j.rand(DataType.DOUBLE, 10, 10);
        INDArray b = pgd.perturb(m, x, y, 99);
        INDArray c = pgd.perturb(m, x, y, 100);
        assertEquals(a, b, "same seed, same result");
        assertNotEquals(a, c, "another seed, another start");
        assertEquals(pgd.randomStart(x, 7), pgd.randomStart(x, 7));
    }

    @Test
    void pgdFromZeroWithOneStepOfEpsIsFgsm() {
        LinearSoftmaxTarget m = model();
        INDArray x = image(inputs(5));
        INDArray y = oneHot(labels());
        ThreatModel t = new ThreatModel(0.3, 0.3, 1, -1, 1, false);
        INDArray pgdAdv = new Pgd(t).perturb(m, x, y, 1);
        INDArray fromZero = new Pgd(t.withRandomStart(true)).perturbFrom(m, x, y, Nd4j.zeros(DataType.DOUBLE, x.shape()));
        INDArray fgsm = new Fgsm(t).perturb(m, x, y, 1);
        assertTrue(pgdAdv.equalsWithEps(fgsm, 1e-14), "PGD without random start");
        assertTrue(fromZero.equalsWithEps(fgsm, 1e-14), "PGD from a given zero start");
        // the coordinate with a zero gradient never moves, even over many steps
        INDArray many = new Pgd(t.withSteps(5).withStep(0.1)).perturb(m, x, y, 1);
        assertEquals(x.reshape(N, D).getColumn(DEAD), many.reshape(N, D).getColumn(DEAD));
    }

    @Test
    void pgdRejectsBadInput() {
        LinearSoftmaxTarget m = model();
        Pgd pgd = new Pgd(ThreatModel.pgd(0.1, 0.01, 2, -1, 1));
        INDArray x = image(inputs(6));
        assertThrows(IllegalArgumentException.class, () -> pgd.perturbFrom(m, x, oneHot(labels()), Nd4j.zeros(DataType.DOUBLE, 2, 2)));
        assertThrows(IllegalArgumentException.class, () -> pgd.perturb(m, x, Nd4j.zeros(DataType.DOUBLE, 3, K), 0));
        PnnException e = assertThrows(PnnException.class, () -> new Pgd(new ThreatModel(0.1, 0.1, 0, -1, 1, true)));
        assertTrue(e.getMessage().contains("at least one step"), e.getMessage());
    }

    // ---- SPSA ----

    static double cosine(double[] a, double[] b) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }

    @Test
    void spsaEstimatesTheGradient() {
        LinearSoftmaxTarget m = model();
        double[][] x = inputs(7);
        x[5] = x[4].clone(); // two identical images with the same label...
        int[] lab = labels();
        lab[5] = lab[4];
        Spsa spsa = new Spsa(ThreatModel.pgd(0.1, 0, 1, -1, 1), Spsa.Settings.defaults().withSamples(4000).withChunk(500));
        INDArray est = spsa.estimateGradient(m, image(x), oneHot(lab), Ops.rng(3));
        assertArrayEquals(new long[]{N, C, H, H}, est.shape());
        assertEquals(2 * 8, m.logitCalls, "one super-batch per chunk, at +δ and at −δ");
        double[][] e = rows(est);
        for (int i = 0; i < N; i++) {
            double[] g = m.gradientByHand(x[i], lab[i]);
            for (int d = 0; d < D; d++) g[d] = -g[d]; // f = −CE
            double cos = cosine(g, e[i]);
            assertTrue(cos > 0.95, "sample " + i + ": cosine " + cos);
            double gg = 0, ge = 0;
            for (int d = 0; d < D; d++) {
                gg += g[d] * g[d];
                ge += g[d] * e[i][d];
            }
            assertEquals(1, ge / gg, 0.1, "sample " + i + ": the estimate is unbiased, so of the right scale");
        }
        // ...see the same directions, so they get the same estimate
        assertArrayEquals(e[4], e[5], 0);
        // the reference's 128 samples still point the right way
        INDArray small = new Spsa(ThreatModel.pgd(0.1, 0, 1, -1, 1)).estimateGradient(m, image(x), oneHot(lab), Ops.rng(4));
        INDArray exact = m.lossGradient(image(x), oneHot(lab)).negi();
        double cos = cosine(exact.reshape(N * D).toDoubleVector(), small.reshape(N * D).toDoubleVector());
        assertTrue(cos > 0.6, "128 samples: cosine " + cos);
    }

    @Test
    void spsaRaisesTheLossWithinTheBudget() {
        LinearSoftmaxTarget m = model();
        INDArray x = image(inputs(8));
        INDArray y = oneHot(labels());
        ThreatModel t = ThreatModel.pgd(0.1, 0, 10, -1, 1);
        Spsa spsa = new Spsa(t);
        INDArray adv = spsa.perturb(m, x, y, 17);
        assertEquals(10 * 2 * 2, m.logitCalls, "10 iterations of 2 chunks, each at ±δ");
        assertEquals(0, m.gradientCalls, "SPSA never asks for a gradient");
        double linf = adv.sub(x).amaxNumber().doubleValue();
        assertTrue(linf <= 0.1 + 1e-12 && linf > 0.05, "‖δ‖∞ = " + linf);
        assertTrue(adv.minNumber().doubleValue() >= -1 && adv.maxNumber().doubleValue() <= 1);
        double clean = CrossEntropy.sum(m.logits(x), y);
        double attacked = CrossEntropy.sum(m.logits(adv), y);
        assertTrue(attacked > clean + 0.5, "loss " + clean + " -> " + attacked);
        assertEquals(adv, spsa.perturb(m, x, y, 17), "reproducible for a seed");
    }

    @Test
    void spsaAdamMatchesAHandWrittenStep() {
        // one iteration: dx = −lr·m̂/(√v̂ + ε) with m̂ = ĝ, v̂ = ĝ², i.e. −lr·sign(ĝ) up to ε, then clamped
        LinearSoftmaxTarget m = model();
        INDArray x = image(inputs(9));
        INDArray y = oneHot(labels());
        ThreatModel t = ThreatModel.pgd(0.004, 0, 1, -1, 1);
        Spsa spsa = new Spsa(t);
        INDArray g = spsa.estimateGradient(m, x, y, Ops.rng(23));
        INDArray adv = spsa.perturb(m, x, y, 23);
        double[] gv = g.reshape(N * D).toDoubleVector();
        double[] xv = x.reshape(N * D).toDoubleVector();
        double[] av = adv.reshape(N * D).toDoubleVector();
        for (int i = 0; i < gv.length; i++) {
            double step = -0.01 * gv[i] / (Math.abs(gv[i]) + 1e-8);
            double dx = clamp(xv[i] + clamp(step, -0.004, 0.004), -1, 1) - xv[i];
            assertEquals(xv[i] + dx, av[i], 1e-15, "element " + i);
        }
    }

    @Test
    void chunksSplitTheSamples() {
        assertEquals(List.of(64, 64), Spsa.chunks(128, 64));
        assertEquals(List.of(64, 64, 2), Spsa.chunks(130, 64));
        assertEquals(List.of(5), Spsa.chunks(5, 64));
    }

    // ---- transfer ----

    @Test
    void transferAttacksTheSourceOnly() {
        LinearSoftmaxTarget source = model();
        LinearSoftmaxTarget victim = LinearSoftmaxTarget.random(D, K, 7, 1.0);
        INDArray x = image(inputs(10));
        INDArray y = oneHot(labels());
        ThreatModel t = ThreatModel.pgd(0.2, 0.05, 4, -1, 1);
        INDArray adv = new Transfer(source, t).perturb(victim, x, y, 8);
        assertEquals(new Pgd(t).perturb(source, x, y, 8), adv);
        assertEquals(0, victim.gradientCalls + victim.logitCalls);
        assertFalse(adv.equals(x));
    }
}
