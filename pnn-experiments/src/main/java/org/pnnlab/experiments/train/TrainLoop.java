package org.pnnlab.experiments.train;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.run.Augmentation;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.experiments.Augment;
import org.pnnlab.experiments.Evaluation;
import org.pnnlab.experiments.LegacySmoothedMonitor;
import org.pnnlab.models.NativeMemory;

/**
 * The epochs of a run: for each batch in the seeded order of its epoch one {@link StepStrategy} step, then the
 * evaluation on the whole test set (and the validation set), each event handed to the listeners in order.
 *
 * <p>Every random draw of a step is derived from the seed and the step's global iteration: the epoch's data order,
 * the augmentation, the attack's start, and ND4J's own generator (dropout, random activations), which is reseeded
 * before every step. A run resumed at a {@link Position} therefore continues exactly as it would have.
 */
public final class TrainLoop {
    private static final long AUGMENT_STREAM = 0x5DEECE66DL;
    private static final long ND4J_STREAM = 0x2545F4914F6CDD1DL;

    private final StepStrategy step;
    private final List<TrainListener> listeners;

    public TrainLoop(StepStrategy step, List<TrainListener> listeners) {
        this.step = step;
        this.listeners = List.copyOf(listeners);
    }

    /** Trains from {@code from} to the last epoch, then tells the listeners that training has ended. */
    public void run(RunContext run, Position from) {
        RunConfig c = run.config();
        TrainingData d = run.data();
        int[] shape = d.shape();
        int batch = c.optim().batchSize();
        int batches = run.batchesPerEpoch();
        long n = d.trainCount();
        List<EpochRecord> done = run.journal().record().epochs();
        Double legacyState = done.isEmpty() ? null : done.get(done.size() - 1).legacySmoothedAccuracy();
        LegacySmoothedMonitor legacy = new LegacySmoothedMonitor(batch, legacyState == null ? 0 : 100 * legacyState);
        long iteration = from.iteration();
        for (int epoch = from.epoch(); epoch <= c.optim().epochs(); epoch++) {
            long t0 = System.nanoTime();
            int first = epoch == from.epoch() ? from.batch() : 0;
            double lossSum = epoch == from.epoch() ? from.lossSum() : 0;
            int[] order = permutation((int) n, c.seed(), epoch);
            run.net().getConfiguration().setEpochCount(epoch - 1); // the learning-rate schedule reads it
            for (TrainListener l : listeners) l.onEpochStart(run, epoch, first, batches);
            for (int b = first; b < batches; b++) {
                int lo = b * batch;
                int hi = (int) Math.min(n, lo + (long) batch);
                int[] idx = Arrays.copyOfRange(order, lo, hi);
                Nd4j.getRandom().setSeed(mix(c.seed() ^ ND4J_STREAM, iteration));
                INDArray x = Nd4j.pullRows(d.trainX(), 1, idx).reshape(hi - lo, shape[0], shape[1], shape[2]);
                if (c.augmentation() == Augmentation.CROP_FLIP) {
                    x = Augment.cropFlip(x, d.normalization().mean(), d.normalization().std(), 4,
                            new SplittableRandom(mix(c.seed() ^ AUGMENT_STREAM, iteration)));
                }
                INDArray y = Nd4j.pullRows(d.trainY(), 1, idx);
                double loss = step.fit(x, y, iteration);
                iteration++;
                NativeMemory.relieve();
                lossSum += loss;
                TrainListener.BatchEnd e = new TrainListener.BatchEnd(epoch, b, batches, loss,
                        new Position(epoch, b + 1, iteration, lossSum));
                for (TrainListener l : listeners) l.onBatchEnd(run, e);
            }
            Evaluation ev = Evaluation.run(run.net(), d.testX(), d.testLabels(), shape, batch);
            double smoothed = legacy.epoch(ev.batchCorrect(), ev.batchSizes());
            // the validation set is evaluated exactly like the test set: clean images, every image once
            @Nullable Evaluation val = d.validationX() == null ? null
                    : Evaluation.run(run.net(), d.validationX(), d.validationLabels(), shape, batch);
            EpochRecord er = EpochRecord.of(epoch, lossSum / batches, ev.correct(), ev.total(), (System.nanoTime() - t0) / 1e9)
                    .withLegacySmoothedAccuracy(smoothed / 100).withTestConfusion(ev.confusion());
            if (val != null) er = er.withValidation(val.correct(), val.total());
            Position next = new Position(epoch + 1, 0, iteration, 0);
            for (TrainListener l : listeners) l.onEpochEnd(run, er, next);
        }
        for (TrainListener l : listeners) l.onTrainingEnd(run);
    }

    /** The order of the training images in an epoch: a shuffle determined by the seed and the epoch. */
    public static int[] permutation(int n, long seed, int epoch) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** A well-mixed seed of a stream and a counter. */
    static long mix(long stream, long counter) {
        return new SplittableRandom(stream * 0x9E3779B97F4A7C15L + counter).nextLong();
    }
}
