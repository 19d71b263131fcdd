package org.pnnlab.experiments.train;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.pnnlab.api.PnnException;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.EpochSpectra;
import org.pnnlab.models.spectra.LocalLipschitz;
import org.pnnlab.models.spectra.NetworkSpectra;
import org.pnnlab.api.run.RobustnessRecord;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.experiments.Progress;
import org.pnnlab.experiments.attack.AttackRegistry;
import org.pnnlab.experiments.attack.RobustnessSuite;

/** The listeners every run has, in the order the loop calls them. */
public final class StandardListeners {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StandardListeners.class);

    private StandardListeners() {
    }

    /** Progress, divergence check, run record, layer spectra, checkpoints, robustness after training. */
    static List<TrainListener> of(AttackRegistry attacks) {
        return List.of(new ProgressDisplay(), new DivergenceCheck(), new EpochRecorder(), new SpectraRecorder(),
                new Checkpointer(), new RobustnessAfterTraining(attacks));
    }

    /** A progress bar per epoch (log lines when not on a terminal). */
    static final class ProgressDisplay implements TrainListener {
        private double lossSum;
        private int counted;

        @Override
        public void onEpochStart(RunContext run, int epoch, int firstBatch, int batches) {
            lossSum = 0;
            counted = 0;
            Progress p = run.workspace().progress();
            p.start(String.format(Locale.ROOT, "epoch %d/%d", epoch, run.config().optim().epochs()), batches);
            if (firstBatch > 0) p.update(firstBatch, "resumed");
        }

        @Override
        public void onBatchEnd(RunContext run, BatchEnd b) {
            lossSum += b.loss();
            counted++;
            run.workspace().progress().update(b.batch() + 1, String.format(Locale.ROOT, "loss %.4f", lossSum / counted));
        }

        @Override
        public void onEpochEnd(RunContext run, EpochRecord e, Position next) {
            String val = e.validationAccuracy() == null ? "" : String.format(Locale.ROOT,
                    ", validation accuracy %.2f%% (%d/%d)", 100 * e.validationAccuracy(), e.validationCorrect(),
                    e.validationTotal());
            run.workspace().progress().finish(String.format(Locale.ROOT,
                    "train loss %.4f, test accuracy %.2f%% (%d/%d)%s, legacy smoothed monitor %.2f, %.1fs",
                    e.trainLoss(), 100 * e.testAccuracy(), e.testCorrect(), e.testTotal(), val,
                    e.legacySmoothedAccuracy() == null ? Double.NaN : 100 * e.legacySmoothedAccuracy(), e.seconds()));
        }
    }

    /** Stops a run whose loss is no longer a number. */
    static final class DivergenceCheck implements TrainListener {
        @Override
        public void onBatchEnd(RunContext run, BatchEnd b) {
            if (!Double.isFinite(b.loss())) {
                throw new PnnException("training diverged in epoch " + b.epoch() + " (loss " + b.loss()
                        + "); try a smaller --lr");
            }
        }
    }

    /** Adds every finished epoch to {@code run.json}. */
    static final class EpochRecorder implements TrainListener {
        @Override
        public void onEpochEnd(RunContext run, EpochRecord e, Position next) {
            run.journal().update(r -> r.withEpoch(e, run.journal().wallTime()));
        }
    }

    /**
     * Adds the layer spectra ({@link NetworkSpectra}) of the model at the end of every epoch to that epoch's record,
     * and after the last epoch the empirical local Lipschitz estimate on the first {@value #LOCAL_IMAGES} test images.
     * Networks without convolution-like layers get nothing.
     */
    static final class SpectraRecorder implements TrainListener {
        static final int LOCAL_IMAGES = 1000;
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SpectraRecorder.class);

        @Override
        public void onEpochEnd(RunContext run, EpochRecord e, Position next) {
            long t0 = System.nanoTime();
            int[] s = run.data().shape();
            EpochSpectra spectra = NetworkSpectra.measure(run.net(), InputType.convolutional(s[1], s[2], s[0]));
            if (spectra.layers().isEmpty()) return;
            double spectraSeconds = (System.nanoTime() - t0) / 1e9;
            boolean last = e.epoch() == run.config().optim().epochs();
            if (last) {
                long n = Math.min(LOCAL_IMAGES, run.data().testX().size(0));
                INDArray x = run.data().testX().get(NDArrayIndex.interval(0, n), NDArrayIndex.all()).reshape(n, s[0], s[1], s[2]);
                INDArray y = run.data().test().labelsOneHot().get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
                double local = LocalLipschitz.meanMarginGradientNorm(run.net(), x, y, run.config().optim().batchSize());
                spectra = spectra.withLocalLipschitz(local, (int) n);
            }
            EpochSpectra done = spectra;
            run.journal().update(r -> r.withLastEpoch(r.epochs().get(r.epochs().size() - 1).withSpectra(done)));
            LOG.info(String.format(Locale.ROOT, "layer spectra: product of sigma_max %.4g (%.2fs)%s", done.productOfNorms(),
                    spectraSeconds, done.localLipschitz() == null ? "" : String.format(Locale.ROOT,
                            "; local Lipschitz estimate %.4g (%.2fs, once per run)", done.localLipschitz(),
                            (System.nanoTime() - t0) / 1e9 - spectraSeconds)));
        }
    }

    /**
     * Checkpoints at the end of every epoch (then also publishing {@code model.zip}) and, inside long epochs, after
     * {@link Workspace#checkpointEvery()} of training since the last one.
     */
    static final class Checkpointer implements TrainListener {
        private long last = System.nanoTime();

        @Override
        public void onBatchEnd(RunContext run, BatchEnd b) {
            Duration since = Duration.ofNanos(System.nanoTime() - last);
            if (b.next().batch() < b.batches() && since.compareTo(run.workspace().checkpointEvery()) >= 0) {
                Checkpoint.write(run.runDir(), run.net(), b.next(), run.journal().record().epochs(), run.journal().wallTime());
                last = System.nanoTime();
            }
        }

        @Override
        public void onEpochEnd(RunContext run, EpochRecord e, Position next) {
            Checkpoint c = Checkpoint.write(run.runDir(), run.net(), next, run.journal().record().epochs(),
                    run.journal().wallTime());
            c.publishModel(run.runDir());
            last = System.nanoTime();
        }
    }

    /** The configuration's robustness evaluation on the final model, stored in {@code run.json}. */
    static final class RobustnessAfterTraining implements TrainListener {
        private final AttackRegistry attacks;

        RobustnessAfterTraining(AttackRegistry attacks) {
            this.attacks = attacks;
        }

        @Override
        public void onTrainingEnd(RunContext run) {
            RunConfig c = run.config();
            if (c.evaluation().attacks().isEmpty()) return;
            String note = RobustnessSuite.eotNote(run.net(), c.evaluation());
            if (note != null) LOG.warn(note);
            RobustnessSuite.run(attacks,
                    new RobustnessSuite.Model(run.net(), run.data().normalization(), run.runDir().toString()),
                    RobustnessSuite.pixels(run.data().test()), run.data().testLabels(),
                    new RobustnessSuite.Request(c.evaluation().attacks(), c.evaluationThreat(), c.evaluation(), c.seed()),
                    null, run.workspace().progress().attackListener(),
                    entries -> run.journal().update(r -> r.withRobustness(entries)));
        }
    }
}
