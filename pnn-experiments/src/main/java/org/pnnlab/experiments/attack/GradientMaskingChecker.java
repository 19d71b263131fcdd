package org.pnnlab.experiments.attack;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.api.run.EvaluationConfig;
import org.pnnlab.api.run.GradientMaskingChecks;
import org.pnnlab.api.run.GradientMaskingChecks.Check;
import org.pnnlab.api.run.GradientMaskingChecks.CheckResult;
import org.pnnlab.api.run.GradientMaskingChecks.SweepPoint;
import org.pnnlab.api.run.ThreatSpec;

/**
 * Runs the gradient-masking checks of a white-box evaluation (Carlini et al. 2019, "On evaluating adversarial
 * robustness", §5) on the first {@link #SUBSET} test images, attacking the function the model classifies with:
 * <ol>
 *   <li>an eps sweep of PGD (the evaluation's steps and step-to-radius ratio) from 0 to 1: accuracy must not rise as
 *       eps grows, and at eps = 1, where any image in [0, 1] is reachable, it must be at most chance;</li>
 *   <li>PGD with twice the steps, then with three restarts (the restarts attack only the images still
 *       classified correctly), and APGD-CE where registered, must not be more accurate than the evaluation's
 *       PGD;</li>
 *   <li>the black-box Square attack (where registered) and a transfer attack (where a source run is given) must not
 *       be less accurate than the white-box PGD;</li>
 *   <li>the input gradient of the loss at the clean images must be non-zero and finite.</li>
 * </ol>
 * Accuracies may differ by {@code max(0.01, 3/n)} (n images) before a check fails.
 */
public final class GradientMaskingChecker {
    /** At most this many test images are used, to bound the cost of the checks. */
    public static final int SUBSET = 200;

    /** The attack of the stronger-attack check, where registered. */
    public static final String APGD = "apgd-ce";
    /** The black-box attack of the black-box check, where registered. */
    public static final String SQUARE = "square";

    private GradientMaskingChecker() {
    }

    /**
     * @param function the name of the function attacked, for the record ({@code model}, {@code average}, ...)
     * @param attacked that function, as attacks differentiate or query it (with EOT where asked for)
     * @param classifier the model as it classifies
     * @param pixels test images in [0, 1] {@code [N, C, H, W]}
     * @param labels class indices {@code [N]}
     * @param transferSource the transfer source in pixel units, or null
     */
    public static GradientMaskingChecks run(AttackRegistry registry, String function, AttackTarget attacked,
                                            AttackTarget classifier, INDArray pixels, INDArray labels, ThreatSpec threat,
                                            EvaluationConfig settings, long seed, @Nullable AttackTarget transferSource) {
        long all = pixels.size(0);
        long n = Math.min(all, SUBSET);
        if (settings.limit() > 0) n = Math.min(n, settings.limit());
        INDArray x = pixels.get(NDArrayIndex.interval(0, n));
        INDArray y = labels.reshape(labels.length()).get(NDArrayIndex.interval(0, n));
        int classes = (int) classifier.logits(x.get(NDArrayIndex.interval(0, 1))).size(1);
        double chance = 1.0 / classes;
        double tol = Math.max(0.01, 3.0 / n);
        RobustnessEvaluator ev = new RobustnessEvaluator(settings.batchSize()).withSeed(seed);
        java.util.function.ToDoubleFunction<Attack> accuracy = a -> ev.evaluate(attacked, classifier, a, x, y).accuracy();
        List<CheckResult> checks = new ArrayList<>();

        double whiteBox = accuracy.applyAsDouble(new Pgd(pgd(threat.eps(), threat, threat.steps())));

        // 1. the eps sweep
        TreeSet<Double> radii = new TreeSet<>();
        for (double f : new double[] {0.25, 0.5, 1, 2, 4}) if (threat.eps() * f <= 1) radii.add(threat.eps() * f);
        radii.add(1.0);
        List<SweepPoint> sweep = new ArrayList<>();
        sweep.add(new SweepPoint(0, accuracy.applyAsDouble(Attack.none())));
        for (double eps : radii) {
            double a = eps == threat.eps() ? whiteBox : accuracy.applyAsDouble(new Pgd(pgd(eps, threat, threat.steps())));
            sweep.add(new SweepPoint(eps, a));
        }
        String rise = null;
        for (int i = 1; i < sweep.size() && rise == null; i++) {
            SweepPoint p = sweep.get(i - 1), q = sweep.get(i);
            if (q.accuracy() > p.accuracy() + tol) {
                rise = String.format(Locale.ROOT, "accuracy rises from %s at eps %.4g to %s at eps %.4g", pct(p.accuracy()),
                        p.eps(), pct(q.accuracy()), q.eps());
            }
        }
        double maxRise = 0;
        for (int i = 1; i < sweep.size(); i++) {
            maxRise = Math.max(maxRise, sweep.get(i).accuracy() - sweep.get(i - 1).accuracy());
        }
        checks.add(CheckResult.of(Check.EPS_SWEEP_FALLS, rise == null, maxRise, rise != null ? rise
                : "accuracy falls from " + pct(sweep.get(0).accuracy()) + " (clean) to "
                + pct(sweep.get(sweep.size() - 1).accuracy()) + " at eps 1 (largest rise " + pct(maxRise) + ")"));
        double atOne = sweep.get(sweep.size() - 1).accuracy();
        checks.add(CheckResult.of(Check.LARGE_EPS_AT_CHANCE, atOne <= chance + tol, atOne,
                "PGD at eps 1: " + pct(atOne) + ", chance " + pct(chance)));

        // 2. more iterations and restarts
        int longer = threat.steps() * 2;
        double more = accuracy.applyAsDouble(new Pgd(pgd(threat.eps(), threat, longer)));
        double restarts = accuracy.applyAsDouble(new Restarts(new Pgd(pgd(threat.eps(), threat, longer)), 3));
        double strongest = Math.max(more, restarts);
        String detail = String.format(Locale.ROOT, "PGD-%d %s; PGD-%d %s; PGD-%d x 3 restarts %s", threat.steps(),
                pct(whiteBox), longer, pct(more), longer, pct(restarts));
        if (registry.names().contains(APGD)) {
            double apgd = accuracy.applyAsDouble(registry.get(APGD).create(threat, settings, x.length() / n, null));
            strongest = Math.max(strongest, apgd);
            detail += "; " + APGD + " " + pct(apgd);
        } else {
            detail += "; " + APGD + " not registered";
        }
        checks.add(CheckResult.of(Check.STRONGER_ATTACK, strongest <= whiteBox + tol, strongest, detail));

        // 3. black-box and transfer
        if (registry.names().contains(SQUARE)) {
            double sq = accuracy.applyAsDouble(registry.get(SQUARE).create(threat, settings, x.length() / n, null));
            checks.add(CheckResult.of(Check.BLACK_BOX, sq >= whiteBox - tol, sq,
                    SQUARE + " " + pct(sq) + ", white-box PGD " + pct(whiteBox)));
        } else {
            checks.add(CheckResult.skipped(Check.BLACK_BOX, "the " + SQUARE + " attack is not registered"));
        }
        if (transferSource != null) {
            double tr = accuracy.applyAsDouble(new Transfer(transferSource, pgd(threat.eps(), threat, threat.steps())));
            checks.add(CheckResult.of(Check.TRANSFER, tr >= whiteBox - tol, tr,
                    "transfer " + pct(tr) + ", white-box PGD " + pct(whiteBox)));
        } else {
            checks.add(CheckResult.skipped(Check.TRANSFER, "no transfer source (pnn evaluate --transfer-from RUN_DIR)"));
        }

        // 4. zero or non-finite input gradients at the clean images
        long zero = 0, nonFinite = 0;
        for (long from = 0; from < n; from += settings.batchSize()) {
            long to = Math.min(n, from + settings.batchSize());
            INDArray xb = x.get(NDArrayIndex.interval(from, to)).dup('c');
            INDArray yb = CrossEntropy.oneHot(y.get(NDArrayIndex.interval(from, to)), classes, xb.dataType());
            INDArray g = attacked.lossGradient(xb, yb).dup('c').reshape('c', to - from, -1);
            INDArray bad = Nd4j.getExecutioner().exec(new MatchCondition(g, Conditions.isNan(), 1))
                    .add(Nd4j.getExecutioner().exec(new MatchCondition(g, Conditions.isInfinite(), 1)));
            INDArray badRows = bad.gt(0);
            long badCount = badRows.castTo(org.nd4j.linalg.api.buffer.DataType.INT64).sumNumber().longValue();
            INDArray zeroRows = Transforms.abs(g, true).max(1).eq(0);
            nonFinite += badCount;
            zero += zeroRows.castTo(org.nd4j.linalg.api.buffer.DataType.INT64).sumNumber().longValue();
        }
        double zeroShare = (double) zero / n, badShare = (double) nonFinite / n;
        checks.add(CheckResult.of(Check.GRADIENTS, zeroShare + badShare <= tol, zeroShare + badShare,
                String.format(Locale.ROOT, "%s of the images have an all-zero input gradient, %s a NaN or infinite one",
                        pct(zeroShare), pct(badShare))));
        return new GradientMaskingChecks(function, n, n < all, chance, tol, whiteBox, sweep, zeroShare, badShare, checks);
    }

    /** PGD-L∞ at radius {@code eps} with the threat model's step-to-radius ratio and {@code steps} steps, in [0, 1]. */
    private static ThreatModel pgd(double eps, ThreatSpec threat, int steps) {
        return ThreatModel.pgd(eps, eps * threat.step() / threat.eps(), steps, 0, 1);
    }

    private static String pct(double a) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * a);
    }
}
