package org.pnnlab.experiments.attack;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.ConfusionMatrix;

/**
 * Accuracy under attack: every evaluated sample is attacked, the evaluated target classifies the result (argmax
 * of its logits), and the accuracy is the number correct over the number evaluated. Like
 * the test-set evaluation of training, the samples are taken in order, in batches, each counted once; with
 * {@link #withLimit} only the first {@code limit} samples are evaluated and the {@link Result} says so (the
 * reference scores SPSA on 10 batches only, spec CNNF.md §7).
 *
 * <p>Batch {@code b} is attacked with the seed {@code derive(seed, b)}, so a result depends only on the seed, the
 * batch size and the data order. Instances are immutable; the {@code with…} methods return modified copies.
 */
public final class RobustnessEvaluator {
    /** Progress of one evaluation. Only {@link #batchDone} must be written. */
    @FunctionalInterface
    public interface Listener {
        /** Before the first batch; {@code planned} is the number of samples to evaluate, or −1 if not known. */
        default void started(String attack, long planned) {
        }

        /** After each batch, with running totals. */
        void batchDone(String attack, long evaluated, long planned, long correct);

        default void finished(Result result) {
        }

        Listener NONE = (attack, evaluated, planned, correct) -> {
        };
    }

    /**
     * The outcome of one attack.
     *
     * @param attack the attack's name
     * @param correct samples still classified correctly
     * @param evaluated samples attacked and scored (the denominator)
     * @param complete whether those were all the samples given, or only the first {@code evaluated}
     * @param seed the evaluator's seed
     * @param settings the attack's settings
     * @param seconds wall time
     */
    public record Result(String attack, long correct, long evaluated, boolean complete, long seed,
                         Map<String, Object> settings, double seconds, @Nullable ConfusionMatrix confusion) {
        public Result {
            settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        }

        /** {@code correct / evaluated}; NaN when nothing was evaluated. */
        public double accuracy() {
            return evaluated == 0 ? Double.NaN : (double) correct / evaluated;
        }

        /** For example {@code "pgd 41.20% (412/1000)"}, with {@code ", first 1000 samples only"} for a subset. */
        public String describe() {
            return String.format(Locale.ROOT, "%s %.2f%% (%d/%d%s)", attack, 100 * accuracy(), correct, evaluated,
                    complete ? "" : ", first " + evaluated + " samples only");
        }

        /** The fields for a run record. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("attack", attack);
            m.put("accuracy", accuracy());
            m.put("correct", correct);
            m.put("evaluated", evaluated);
            m.put("subset", !complete);
            m.put("seed", seed);
            m.put("settings", settings);
            m.put("seconds", seconds);
            return m;
        }
    }

    private final int batchSize;
    private final long limit;
    private final long seed;
    private final int @Nullable [] inputShape;
    private final Listener listener;

    /** Batches of {@code batchSize}, no limit, seed 0, inputs used in the shape given. */
    public RobustnessEvaluator(int batchSize) {
        this(batchSize, Long.MAX_VALUE, 0, null, Listener.NONE);
    }

    private RobustnessEvaluator(int batchSize, long limit, long seed, int @Nullable [] inputShape, Listener listener) {
        if (batchSize < 1) throw new PnnException("the evaluation batch size must be >= 1, got " + batchSize);
        if (limit < 1) throw new PnnException("the evaluation limit must be >= 1 sample, got " + limit);
        this.batchSize = batchSize;
        this.limit = limit;
        this.seed = seed;
        this.inputShape = inputShape;
        this.listener = listener;
    }

    /** Evaluate only the first {@code n} samples. */
    public RobustnessEvaluator withLimit(long n) {
        return new RobustnessEvaluator(batchSize, n, seed, inputShape, listener);
    }

    /** The seed from which every batch's attack seed is derived. */
    public RobustnessEvaluator withSeed(long s) {
        return new RobustnessEvaluator(batchSize, limit, s, inputShape, listener);
    }

    /**
     * Reshape each batch of features to {@code [n, shape...]} before use, for flattened features such as
     * {@code Split.testFeatures()} ({@code [N, C*H*W]}, shape {@code {C, H, W}}).
     */
    public RobustnessEvaluator withInputShape(int... shape) {
        for (int s : shape) {
            if (s < 1) throw new PnnException("input shape " + Arrays.toString(shape) + " has an empty dimension");
        }
        return new RobustnessEvaluator(batchSize, limit, seed, shape.clone(), listener);
    }

    public RobustnessEvaluator withListener(Listener l) {
        return new RobustnessEvaluator(batchSize, limit, seed, inputShape, l);
    }

    public int batchSize() {
        return batchSize;
    }

    public long limit() {
        return limit;
    }

    public long seed() {
        return seed;
    }

    /**
     * Evaluates {@code attack} against {@code target} on an in-memory test set.
     *
     * @param features {@code [N, ...]} inputs in the target's units (reshaped per batch if an input shape is set)
     * @param labels one-hot {@code [N, classes]}, or class indices {@code [N]} / {@code [N, 1]}
     */
    public Result evaluate(AttackTarget target, Attack attack, INDArray features, INDArray labels) {
        return evaluate(target, target, attack, features, labels);
    }

    /**
     * Evaluates {@code attack} computed on {@code attacked} (its gradients or queries), scoring the adversarial
     * samples with {@code classifier}: for a feedback network, the attack may differentiate the first pass while
     * the network classifies with its cycles. Both take inputs in the same units.
     */
    public Result evaluate(AttackTarget attacked, AttackTarget classifier, Attack attack, INDArray features,
                           INDArray labels) {
        long n = features.size(0);
        if (labels.size(0) != n) {
            throw new IllegalArgumentException(n + " samples but " + labels.size(0) + " labels");
        }
        long todo = Math.min(n, limit);
        Run run = new Run(attacked, classifier, attack, todo);
        for (long from = 0; from < todo; from += batchSize) {
            long to = Math.min(todo, from + batchSize);
            run.batch(rows(features, from, to), rows(labels, from, to));
        }
        return run.finish(todo == n);
    }

    /**
     * Evaluates an ensemble as AutoAttack runs it: each member over all the samples before the next, on the samples
     * the classifier still classifies correctly (packed into full batches), the clean inputs of those as its input;
     * a sample counts as fooled when the classifier misclassifies the member's adversarial input. After each member
     * {@code afterMember} receives the accuracy so far, named {@code ensemble-member} (cumulative: the worst case
     * over the members run), so a caller can save it before the next member starts. Member {@code m} attacks
     * chunk {@code k} with the seed {@code derive(derive(seed, m), k)}.
     *
     * @return the ensemble's accuracy (the worst case per sample over all members)
     */
    public Result evaluateEnsemble(AttackTarget attacked, AttackTarget classifier, EnsembleAttack ensemble,
                                   INDArray features, INDArray labels, java.util.function.Consumer<Result> afterMember) {
        long n = features.size(0);
        if (labels.size(0) != n) throw new IllegalArgumentException(n + " samples but " + labels.size(0) + " labels");
        long todo = Math.min(n, limit);
        long start = System.nanoTime();
        listener.started(ensemble.name(), todo);
        INDArray x = shaped(rows(features, 0, todo));
        INDArray truth = labels.rank() == 1 || labels.size(1) == 1 ? rows(labels, 0, todo).reshape(todo)
                .castTo(DataType.INT64) : rows(labels, 0, todo).argMax(1).castTo(DataType.INT64);
        int classes = (int) classifier.logits(x.get(NDArrayIndex.interval(0, 1))).size(1);
        INDArray oneHot = CrossEntropy.oneHot(truth, classes, x.dataType());
        INDArray predicted = Nd4j.create(DataType.INT64, todo);
        for (long from = 0; from < todo; from += batchSize) {
            long to = Math.min(todo, from + batchSize);
            predicted.get(NDArrayIndex.interval(from, to)).assign(classifier.logits(x.get(NDArrayIndex.interval(from, to)))
                    .argMax(1).castTo(DataType.INT64));
        }
        java.util.List<FoolingAttack> members = ensemble.members();
        for (int m = 0; m < members.size(); m++) {
            FoolingAttack member = members.get(m);
            long t0 = System.nanoTime();
            int[] robust = Ops.nonZero(predicted.eq(truth).castTo(DataType.DOUBLE));
            for (int from = 0, chunk = 0; from < robust.length; from += batchSize, chunk++) {
                int[] idx = java.util.Arrays.copyOfRange(robust, from, Math.min(robust.length, from + batchSize));
                INDArray adv = member.attack(attacked, Ops.rows(x, idx), Ops.rows(oneHot, idx),
                        Ops.derive(Ops.derive(seed, m), chunk)).adversarial();
                INDArray pred = classifier.logits(adv).argMax(1).castTo(DataType.INT64);
                for (int i = 0; i < idx.length; i++) predicted.putScalar(idx[i], pred.getLong(i));
                org.pnnlab.models.NativeMemory.relieve();
                listener.batchDone(ensemble.name() + "-" + member.name(), Math.min(robust.length, from + batchSize),
                        robust.length, predicted.eq(truth).castTo(DataType.INT64).sumNumber().longValue());
            }
            afterMember.accept(tally(ensemble.name() + "-" + member.name(), member.settings(), truth, predicted, classes,
                    todo == n, (System.nanoTime() - t0) / 1e9));
        }
        Result r = tally(ensemble.name(), ensemble.settings(), truth, predicted, classes, todo == n,
                (System.nanoTime() - start) / 1e9);
        listener.finished(r);
        return r;
    }

    private Result tally(String name, Map<String, Object> settings, INDArray truth, INDArray predicted, int classes,
                         boolean complete, double seconds) {
        long correct = predicted.eq(truth).castTo(DataType.INT64).sumNumber().longValue();
        return new Result(name, correct, truth.length(), complete, seed, settings, seconds,
                org.pnnlab.models.Confusions.of(truth, predicted, classes));
    }

    /**
     * Evaluates on the batches of {@code data} as they come (the evaluator's batch size is not used; the iterator
     * is reset first when it supports it). Masks are ignored.
     */
    public Result evaluate(AttackTarget target, Attack attack, DataSetIterator data) {
        if (data.resetSupported()) data.reset();
        Run run = new Run(target, target, attack, limit == Long.MAX_VALUE ? -1 : limit);
        boolean truncated = false;
        while (data.hasNext()) {
            if (run.evaluated >= limit) {
                truncated = true;
                break;
            }
            DataSet ds = data.next();
            long n = ds.getFeatures().size(0);
            long take = Math.min(n, limit - run.evaluated);
            if (take < n) truncated = true;
            run.batch(rows(ds.getFeatures(), 0, take), rows(ds.getLabels(), 0, take));
        }
        return run.finish(!truncated);
    }

    private static INDArray rows(INDArray a, long from, long to) {
        if (from == 0 && to == a.size(0)) return a;
        INDArray r = a.get(NDArrayIndex.interval(from, to));
        return a.rank() == 1 ? r.reshape(to - from) : r;
    }

    /** A batch of features as C-ordered inputs of the evaluator's input shape (when one is set). */
    private INDArray shaped(INDArray features) {
        INDArray x = features.dup('c');
        if (!x.dataType().isFPType()) {
            throw new IllegalArgumentException("features must be floating point, got " + x.dataType());
        }
        int[] s = inputShape;
        if (s == null) return x;
        long[] shape = new long[s.length + 1];
        shape[0] = x.size(0);
        long per = 1;
        for (int i = 0; i < s.length; i++) {
            shape[i + 1] = s[i];
            per *= s[i];
        }
        if (x.length() != shape[0] * per) {
            throw new IllegalArgumentException("features " + Arrays.toString(x.shape()) + " do not hold samples of shape "
                    + Arrays.toString(s));
        }
        return x.reshape('c', shape);
    }

    /** The running state of one evaluation. */
    private final class Run {
        final AttackTarget target;
        final AttackTarget classifier;
        final Attack attack;
        final long planned;
        final long startNanos = System.nanoTime();
        long evaluated;
        long correct;
        long batchIndex;
        int classes = -1;
        @Nullable ConfusionMatrix confusion;

        Run(AttackTarget target, AttackTarget classifier, Attack attack, long planned) {
            this.target = target;
            this.classifier = classifier;
            this.attack = attack;
            this.planned = planned;
            listener.started(attack.name(), planned);
        }

        void batch(INDArray features, INDArray labels) {
            long n = features.size(0);
            if (labels.size(0) != n) throw new IllegalArgumentException(n + " samples but " + labels.size(0) + " labels");
            INDArray x = shaped(features);
            INDArray truth;
            INDArray oneHot;
            if (labels.rank() == 1 || labels.size(1) == 1) {
                truth = labels.reshape(n).castTo(DataType.INT64);
                if (classes < 0) classes = (int) target.logits(x.get(NDArrayIndex.interval(0, 1))).size(1);
                oneHot = CrossEntropy.oneHot(truth, classes, x.dataType());
            } else {
                oneHot = labels.castTo(x.dataType());
                truth = labels.argMax(1).castTo(DataType.INT64);
            }
            INDArray adv = attack.perturb(target, x, oneHot, Ops.derive(seed, batchIndex++));
            INDArray pred = classifier.logits(adv).argMax(1).castTo(DataType.INT64);
            correct += pred.eq(truth.reshape(pred.shape())).castTo(DataType.INT64).sumNumber().longValue();
            var c = org.pnnlab.models.Confusions.of(truth, pred, (int) oneHot.size(1));
            confusion = confusion == null ? c : confusion.plus(c);
            evaluated += n;
            org.pnnlab.models.NativeMemory.relieve();
            listener.batchDone(attack.name(), evaluated, planned, correct);
        }

        Result finish(boolean complete) {
            Result r = new Result(attack.name(), correct, evaluated, complete, seed, attack.settings(),
                    (System.nanoTime() - startNanos) / 1e9, confusion);
            listener.finished(r);
            return r;
        }
    }
}
