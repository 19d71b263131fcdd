package org.pnnlab.experiments.attack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.GaussianDistribution;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.ThreatNorm;

/**
 * Auto-PGD (Croce &amp; Hein, ICML 2020) in L∞ and L2, with the cross-entropy, DLR or targeted DLR loss (APGD-T),
 * as the authors' {@code APGDAttack}/{@code APGDAttack_targeted} run it (the golden README of {@code autoattack}
 * lists the details reproduced here):
 * <ul>
 *   <li>only the points classified correctly are attacked, and every run (one per restart, for APGD-T one per
 *       target rank and restart, rank outer) attacks only the points no earlier run fooled, from a start drawn
 *       for that subset from one random stream seeded once;</li>
 *   <li>a run starts at the scaled random point, with step 2·eps per sample and the loss, gradient and best point
 *       taken there; iteration i steps with momentum 1 (i = 0) or 0.75 and projects;</li>
 *   <li>at the checkpoints ({@link #checkpoints}) a sample whose loss rose in at most ρ·k of the last k iterations
 *       (the first window compares its first loss with 0), or whose step was not halved at the previous check
 *       and whose best loss has not risen since, has its step halved and goes back to its best point and the
 *       gradient stored there;</li>
 *   <li>a fooled point is returned as the last misclassified iterate of the run that fooled it; every other point
 *       as its clean input.</li>
 * </ul>
 * Everything is vectorised over the batch: per-sample step sizes and flags are arrays, images rows of a matrix.
 */
public final class Apgd implements FoolingAttack {
    /** The reference's momentum after the first iteration. */
    static final double MOMENTUM = 0.75;

    /**
     * What to run.
     *
     * @param norm the budget's norm
     * @param eps the radius in [0, 1] pixel units
     * @param iterations iterations of every run (AutoAttack: 100)
     * @param restarts runs per target rank (AutoAttack: 1)
     * @param loss the loss maximised
     * @param targetClasses APGD-T: the target ranks are 2 … targetClasses + 1 (AutoAttack: 9), at most one fewer
     *     than the model's classes; else unused
     * @param rho the oscillation threshold of condition 1 (0.75)
     */
    public record Settings(ThreatNorm norm, double eps, int iterations, int restarts, ApgdLoss loss, int targetClasses,
                           double rho) {
        public Settings {
            if (!(eps > 0) || !Double.isFinite(eps)) throw new PnnException("APGD needs eps > 0, got " + eps);
            if (iterations < 1) throw new PnnException("APGD needs at least one iteration, got " + iterations);
            if (restarts < 1) throw new PnnException("APGD needs at least one restart, got " + restarts);
            if (loss == ApgdLoss.TARGETED_DLR && targetClasses < 1) {
                throw new PnnException("APGD-T needs at least one target class, got " + targetClasses);
            }
            if (!(rho > 0 && rho <= 1)) throw new PnnException("APGD's rho must be in (0, 1], got " + rho);
        }

        /** AutoAttack's standard setting: 100 iterations, 1 restart, 9 target classes, rho 0.75. */
        public static Settings standard(ThreatNorm norm, double eps, ApgdLoss loss) {
            return new Settings(norm, eps, 100, 1, loss, 9, 0.75);
        }

        public Settings withIterations(int n) {
            return new Settings(norm, eps, n, restarts, loss, targetClasses, rho);
        }

        public Settings withRestarts(int n) {
            return new Settings(norm, eps, iterations, n, loss, targetClasses, rho);
        }

        public Settings withTargetClasses(int n) {
            return new Settings(norm, eps, iterations, restarts, loss, n, rho);
        }
    }

    /** A check of the step size: after iteration {@code iteration} (0-based), over the last {@code window}. */
    public record Checkpoint(int iteration, int window) {
    }

    /** Where a run starts, given its index and the clean points it attacks. */
    @FunctionalInterface
    public interface Starts {
        /** A start for each row of {@code x} (the run's points), in the shape of {@code x}, inside [0, 1]. */
        INDArray start(int run, INDArray x);
    }

    /** Observes the attack, for tests and diagnostics. Every array passed is the observer's to keep. */
    public interface Observer {
        Observer NONE = new Observer() {
        };

        /** A run begins on the points {@code attacked} of the batch; {@code targets} are APGD-T's classes. */
        default void runStarted(int run, int[] attacked, @Nullable INDArray targets, INDArray lossAtStart) {
        }

        /**
         * After iteration {@code i} of a run: the step sizes it used, the loss at its iterate, the iterate (before a
         * reset to the best point), the best loss so far and, at a checkpoint, the decisions taken.
         */
        default void iteration(int run, int i, INDArray steps, INDArray loss, INDArray iterate, INDArray bestLoss,
                               @Nullable Decisions check) {
        }

        default void runFinished(int run, RunResult result) {
        }
    }

    /** A checkpoint's per-sample outcome (1/0): condition 1, condition 2, and whether the step was halved. */
    public record Decisions(INDArray oscillation, INDArray noImprovement, INDArray reduced) {
    }

    /**
     * The outcome of one run on its points.
     *
     * @param best the highest-loss point
     * @param bestLoss its loss
     * @param lastAdversarial the last misclassified iterate (the start if none was)
     * @param fooled 1 where some iterate was misclassified
     */
    public record RunResult(INDArray best, INDArray bestLoss, INDArray lastAdversarial, INDArray fooled) {
    }

    private final Settings settings;

    public Apgd(Settings settings) {
        this.settings = settings;
    }

    public Settings settingsRecord() {
        return settings;
    }

    @Override
    public String name() {
        return switch (settings.loss()) {
            case CE -> "apgd-ce";
            case DLR -> "apgd-dlr";
            case TARGETED_DLR -> "apgd-t";
        };
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attack", name());
        m.put("norm", settings.norm().label());
        m.put("eps", settings.eps());
        m.put("iterations", settings.iterations());
        m.put("restarts", settings.restarts());
        m.put("loss", settings.loss().label());
        if (settings.loss() == ApgdLoss.TARGETED_DLR) m.put("targetClasses", settings.targetClasses());
        m.put("rho", settings.rho());
        m.put("momentum", MOMENTUM);
        return m;
    }

    /**
     * The checkpoints of {@code n} iterations: the first window is {@code max(⌊0.22n⌋, 1)}; after each check the
     * window shrinks by {@code max(⌊0.03n⌋, 1)} down to {@code max(⌊0.06n⌋, 1)}.
     */
    public static List<Checkpoint> checkpoints(int n) {
        int k = Math.max((int) Math.floor(0.22 * n), 1);
        int decrease = Math.max((int) Math.floor(0.03 * n), 1);
        int least = Math.max((int) Math.floor(0.06 * n), 1);
        List<Checkpoint> out = new ArrayList<>();
        for (int i = k - 1; i < n; ) {
            out.add(new Checkpoint(i, k));
            k = Math.max(k - decrease, least);
            i += k;
        }
        return out;
    }

    @Override
    public Outcome attack(AttackTarget target, INDArray x, INDArray labelsOneHot, long seed) {
        return attack(target, x, labelsOneHot, randomStarts(seed), Observer.NONE);
    }

    /**
     * The random starts of the reference from one stream seeded with {@code seed}: L∞ {@code x + eps·t/(max|t| +
     * 1e-12)} with {@code t} uniform in [−1, 1]; L2 {@code x + eps·t/(‖t‖₂ + 1e-12)} with {@code t} standard normal
     * (per sample), clipped to [0, 1].
     */
    public Starts randomStarts(long seed) {
        Random rng = Ops.rng(seed);
        return (run, x) -> {
            long n = x.size(0);
            INDArray t = Nd4j.createUninitialized(x.dataType(), n, x.length() / n);
            if (settings.norm() == ThreatNorm.LINF) {
                Nd4j.getExecutioner().exec(new UniformDistribution(t, -1, 1), rng);
                t.diviColumnVector(Transforms.abs(t, true).max(1).addi(1e-12));
            } else {
                Nd4j.getExecutioner().exec(new GaussianDistribution(t, 0, 1), rng);
                t.diviColumnVector(t.norm2(1).addi(1e-12));
            }
            INDArray start = flat(x).add(t.muli(settings.eps()));
            return Ops.clampi(start, 0, 1).reshape('c', x.shape());
        };
    }

    /**
     * The whole attack from given starts.
     *
     * @param x clean inputs in [0, 1], {@code [N, ...]}
     * @param labelsOneHot one-hot labels {@code [N, K]}
     */
    public Outcome attack(AttackTarget target, INDArray x, INDArray labelsOneHot, Starts starts, Observer observer) {
        Ops.checkBatch(x, labelsOneHot);
        INDArray xc = x.dup('c');
        INDArray y = labelsOneHot.castTo(x.dataType());
        int classes = (int) y.size(1);
        settings.loss().requireClasses(classes);
        INDArray robust = correct(target.logits(xc), y);
        INDArray adversarial = flat(xc).dup();
        // APGD-T: ranks 2 … targetClasses + 1, at most every class other than the first
        int[] ranks = settings.loss() == ApgdLoss.TARGETED_DLR ? ranks(Math.min(settings.targetClasses(), classes - 1))
                : new int[] {0};
        int run = 0;
        for (int rank : ranks) {
            for (int restart = 0; restart < settings.restarts(); restart++, run++) {
                int[] idx = Ops.nonZero(robust);
                if (idx.length == 0) continue;
                INDArray xs = Ops.rows(xc, idx);
                INDArray ys = Ops.rows(y, idx);
                INDArray targets = null;
                if (rank > 0) {
                    targets = CrossEntropy.oneHot(ApgdLoss.Ranking.classAtRank(target.logits(xs), rank), classes,
                            x.dataType());
                }
                INDArray start = starts.start(run, xs);
                RunResult r = run(run, target, xs, ys, targets, start, idx, observer);
                int[] fooled = Ops.nonZero(r.fooled());
                INDArray lastAdv = flat(r.lastAdversarial());
                for (int f : fooled) {
                    robust.putScalar(idx[f], 0);
                    adversarial.putRow(idx[f], lastAdv.getRow(f));
                }
            }
        }
        return new Outcome(adversarial.reshape('c', x.shape()), robust);
    }

    private static int[] ranks(int targetClasses) {
        int[] r = new int[targetClasses];
        for (int i = 0; i < targetClasses; i++) r[i] = i + 2;
        return r;
    }

    /** 1 where the argmax of the logits is the labelled class, else 0 ({@code [N]}, the labels' type). */
    static INDArray correct(INDArray logits, INDArray labelsOneHot) {
        return logits.argMax(1).eq(labelsOneHot.argMax(1)).castTo(labelsOneHot.dataType());
    }

    /**
     * One run from {@code start} on the points {@code x} (all of them attacked).
     *
     * @param targets APGD-T's one-hot target classes, else null
     */
    public RunResult run(AttackTarget target, INDArray x, INDArray labelsOneHot, @Nullable INDArray targets,
                         INDArray start) {
        return run(0, target, x.dup('c'), labelsOneHot.castTo(x.dataType()), targets, start, null, Observer.NONE);
    }

    private RunResult run(int runIndex, AttackTarget target, INDArray x, INDArray y, @Nullable INDArray targets,
                          INDArray start, int @Nullable [] attacked, Observer observer) {
        Ops.checkSameShape("the start point", x, start);
        long[] shape = x.shape();
        long n = shape[0];
        double eps = settings.eps();
        boolean linf = settings.norm() == ThreatNorm.LINF;
        INDArray clean = flat(x);
        INDArray lo = linf ? clean.sub(eps) : null;
        INDArray hi = linf ? clean.add(eps) : null;
        LossGradient f = new LossGradient(target, shape, y, targets);

        INDArray current = flat(start.castTo(x.dataType())).dup();
        f.at(current);
        INDArray fooled = f.misclassified;
        INDArray lastAdversarial = current.dup();
        INDArray best = current.dup();
        INDArray gradient = f.gradient;
        INDArray bestGradient = gradient.dup();
        INDArray bestLoss = f.loss.dup();
        INDArray step = Nd4j.valueArrayOf(new long[] {n}, 2 * eps, x.dataType());
        INDArray previous = current;
        INDArray previousLoss = Nd4j.zeros(x.dataType(), n); // the first window compares its first loss with 0
        INDArray rises = Nd4j.zeros(x.dataType(), n);
        INDArray bestAtLastCheck = bestLoss.dup();
        INDArray reducedAtLastCheck = Nd4j.ones(x.dataType(), n);
        if (attacked != null) observer.runStarted(runIndex, attacked.clone(), targets == null ? null : targets.dup(), bestLoss.dup());

        List<Checkpoint> schedule = checkpoints(settings.iterations());
        int nextCheck = 0;
        for (int i = 0; i < settings.iterations(); i++) {
            double a = i == 0 ? 1.0 : MOMENTUM;
            INDArray stepUsed = observer == Observer.NONE ? step : step.dup();
            INDArray momentum = current.sub(previous);
            previous = current;
            INDArray next;
            if (linf) {
                INDArray z = current.add(Transforms.sign(gradient, true).muliColumnVector(step));
                boxClip(z, lo, hi);
                next = current.add(z.subi(current).muli(a)).addi(momentum.muli(1 - a));
                boxClip(next, lo, hi);
            } else {
                INDArray z = current.add(normalized(gradient).muliColumnVector(step));
                z = projectL2(z, clean, eps);
                next = current.add(z.subi(current).muli(a)).addi(momentum.muli(1 - a));
                next = projectL2(next, clean, eps);
            }
            f.at(next);
            INDArray loss = f.loss;
            gradient = f.gradient;
            INDArray mis = f.misclassified;
            Transforms.max(fooled, mis, false);
            blendRowsi(lastAdversarial, next, mis);
            INDArray improved = loss.gt(bestLoss).castTo(x.dataType());
            blendRowsi(best, next, improved);
            blendRowsi(bestGradient, gradient, improved);
            blendi(bestLoss, loss, improved);
            rises.addi(loss.gt(previousLoss).castTo(x.dataType()));
            previousLoss = loss;
            current = next;
            Decisions decisions = null;
            if (nextCheck < schedule.size() && schedule.get(nextCheck).iteration() == i) {
                int k = schedule.get(nextCheck++).window();
                INDArray oscillation = rises.lte(k * settings.rho()).castTo(x.dataType());
                INDArray noImprovement = reducedAtLastCheck.rsub(1.0)
                        .muli(bestLoss.gt(bestAtLastCheck).castTo(x.dataType()).rsubi(1.0)); // best loss not risen
                INDArray reduce = Transforms.max(oscillation, noImprovement, true);
                reducedAtLastCheck = reduce;
                bestAtLastCheck = bestLoss.dup();
                if (observer != Observer.NONE) decisions = new Decisions(oscillation, noImprovement, reduce.dup());
                step.muli(reduce.mul(-0.5).addi(1.0)); // halved where reduced (exact: a power of two)
                current = next.dup();
                blendRowsi(current, best, reduce);
                gradient = gradient.dup();
                blendRowsi(gradient, bestGradient, reduce);
                rises.assign(0);
            }
            if (observer != Observer.NONE) {
                observer.iteration(runIndex, i, stepUsed, loss.dup(),
                        next.reshape('c', shape).dup(), bestLoss.dup(), decisions);
            }
        }
        RunResult r = new RunResult(best.reshape('c', shape), bestLoss, lastAdversarial.reshape('c', shape), fooled);
        observer.runFinished(runIndex, r);
        return r;
    }

    /** The loss, its input gradient and the misclassified flags at a point, from one forward and backward pass. */
    private final class LossGradient {
        private final AttackTarget target;
        private final long[] shape;
        private final INDArray labels;
        private final @Nullable INDArray targets;
        INDArray loss;
        INDArray gradient;
        INDArray misclassified;

        LossGradient(AttackTarget target, long[] shape, INDArray labels, @Nullable INDArray targets) {
            this.target = target;
            this.shape = shape;
            this.labels = labels;
            this.targets = targets;
        }

        void at(INDArray flatPoint) {
            ApgdLoss.Evaluated[] holder = new ApgdLoss.Evaluated[1];
            AttackTarget.LogitsAndGradient r = target.backprop(flatPoint.reshape('c', shape), logits -> {
                holder[0] = settings.loss().evaluate(logits, labels, targets);
                return holder[0].logitsGradient();
            });
            loss = holder[0].values().castTo(flatPoint.dataType());
            gradient = flat(r.inputGradient().castTo(flatPoint.dataType()));
            misclassified = correct(r.logits(), labels).rsubi(1.0);
        }
    }

    /** {@code [N, ...]} as {@code [N, D]}, C order (a view when {@code a} is C-ordered). */
    static INDArray flat(INDArray a) {
        long n = a.size(0);
        return a.reshape('c', n, a.length() / n);
    }

    /** {@code v := clip(min(max(v, lo), hi), 0, 1)} in place. */
    private static void boxClip(INDArray v, INDArray lo, INDArray hi) {
        Transforms.max(v, lo, false);
        Transforms.min(v, hi, false);
        Ops.clampi(v, 0, 1);
    }

    /** {@code v / (‖v‖₂ + 1e-12)} per row (a new array). */
    private static INDArray normalized(INDArray v) {
        return v.divColumnVector(v.norm2(1).addi(1e-12));
    }

    /** {@code clip(x + d/(‖d‖ + 1e-12)·min(eps, ‖d‖), 0, 1)} with {@code d = v − x}, per row (a new array). */
    private static INDArray projectL2(INDArray v, INDArray x, double eps) {
        INDArray d = v.sub(x);
        INDArray norm = d.norm2(1);
        INDArray radius = Transforms.min(norm, eps, true);
        INDArray out = x.add(d.diviColumnVector(norm.addi(1e-12)).muliColumnVector(radius));
        return Ops.clampi(out, 0, 1);
    }

    /** Rows of {@code a} replaced by those of {@code b} where {@code mask} (per row, 0/1) is 1; exact. */
    static void blendRowsi(INDArray a, INDArray b, INDArray mask) {
        a.muliColumnVector(mask.rsub(1.0)).addi(b.mulColumnVector(mask));
    }

    /** Entries of {@code a} replaced by those of {@code b} where {@code mask} is 1; exact. */
    private static void blendi(INDArray a, INDArray b, INDArray mask) {
        a.muli(mask.rsub(1.0)).addi(b.mul(mask));
    }
}
