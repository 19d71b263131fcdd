package org.pnnlab.experiments;

import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.AtomicFiles;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.FinalMetrics;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;
import org.pnnlab.datasets.Conditions;
import org.pnnlab.datasets.DataDirs;
import org.pnnlab.datasets.Datasets;
import org.pnnlab.datasets.LabeledImages;
import org.pnnlab.datasets.Normalization;
import org.pnnlab.datasets.Split;
import org.pnnlab.layers.dl4j.HeavyBallSgd;
import org.pnnlab.layers.dl4j.IterationDecay;
import org.jspecify.annotations.Nullable;
import org.pnnlab.models.ModelFactory;
import org.pnnlab.models.ModelRegistry;
import org.pnnlab.models.ModelSpec;
import org.pnnlab.models.ParamCounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains one experiment with the user's options and saves the run: {@code run.json} after every epoch
 * (atomically) and {@code model.zip} with the latest weights and updater state. Test accuracy is correct
 * predictions over the whole test set; the original code's smoothed monitor is stored beside it under its
 * own name.
 */
public final class Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final ExperimentSpec spec;
    private final RunOptions options;
    private final LayerRegistry layers;
    private final ModelRegistry models;
    private final Progress progress;

    @Inject
    public Trainer(ExperimentSpec spec, RunOptions options, LayerRegistry layers, ModelRegistry models,
                   Progress progress) {
        this.spec = spec;
        this.options = options;
        this.layers = layers;
        this.models = models;
        this.progress = progress;
    }

    /** The settings this run will use, after applying the user's overrides; validates them. */
    public Resolved resolve() {
        ExperimentSpec.Training t = spec.training();
        int epochs = options.epochs() != null ? options.epochs() : t.epochs();
        int batch = options.batchSize() != null ? options.batchSize() : t.batchSize();
        double lr = options.learningRate() != null ? options.learningRate() : t.learningRate();
        long seed = options.seed() != null ? options.seed() : t.seed();
        if (epochs < 1) throw new PnnException("--epochs must be at least 1, got " + epochs);
        if (batch < 2) throw new PnnException("--batch-size must be at least 2 (batch norm needs 2 values per channel), got " + batch);
        if (!(lr > 0) || Double.isInfinite(lr)) throw new PnnException("--lr must be a positive number, got " + lr);
        if (options.trainLimit() < 0) throw new PnnException("--train-limit must be >= 0, got " + options.trainLimit());
        String layer = options.layer() != null ? options.layer() : spec.layer();
        layers.get(layer); // unknown id -> error listing the known ones
        Map<String, Object> layerParams = new LinkedHashMap<>(layer.equals(spec.layer()) ? spec.layerParams() : Map.of());
        layerParams.putAll(options.layerParams());
        layers.get(layer).params(layerParams); // validate now, before loading data
        boolean all = spec.variedSlots() == ExperimentSpec.VariedSlots.ALL;
        String first = all ? layer : spec.firstLayer();
        Map<String, Object> firstParams = all ? layerParams : spec.firstLayerParams();
        String dataset = options.dataset() != null ? options.dataset() : spec.dataset();
        String model = options.model() != null ? options.model() : spec.model();
        models.get(model);
        // the experiment's model options belong to its model; another model starts from its own defaults
        Map<String, Object> modelOptions = new LinkedHashMap<>(model.equals(spec.model()) ? spec.modelOptions() : Map.of());
        modelOptions.putAll(options.modelOptions());
        ExperimentSpec.Training training = training(t, epochs, batch, lr, seed, options.training());
        ExperimentSpec.Adversarial adversarial = adversarial(spec.adversarial(), options.training());
        return new Resolved(epochs, batch, lr, seed, model, layer, layerParams, first, firstParams, modelOptions, dataset,
                training, adversarial);
    }

    /** The input normalisation of this experiment: its own, or the dataset's. */
    public Normalization normalization(Normalization dataset) {
        return spec.normalization() != null ? spec.normalization() : dataset;
    }

    /** Settings after the user's overrides; {@code training} holds the effective optimiser settings. */
    public record Resolved(int epochs, int batchSize, double learningRate, long seed, String model, String layer,
                           Map<String, Object> layerParams, String firstLayer, Map<String, Object> firstLayerParams,
                           Map<String, Object> modelOptions, String dataset, ExperimentSpec.Training training,
                           ExperimentSpec.@Nullable Adversarial adversarial) {
    }

    private static ExperimentSpec.Training training(ExperimentSpec.Training t, int epochs, int batch, double lr, long seed,
                                                    RunOptions.TrainingOverrides o) {
        String optimizer = o.optimizer() != null ? o.optimizer() : t.optimizer();
        if (!ExperimentSpec.OPTIMIZERS.contains(optimizer)) {
            throw new PnnException("unknown optimizer '" + optimizer + "'; known: " + String.join(", ", ExperimentSpec.OPTIMIZERS));
        }
        String schedule = o.schedule() != null ? o.schedule() : t.schedule();
        if (!ExperimentSpec.SCHEDULES.contains(schedule)) {
            throw new PnnException("unknown schedule '" + schedule + "'; known: " + String.join(", ", ExperimentSpec.SCHEDULES));
        }
        if (schedule.equals("step") && t.lrDecayEpochs().isEmpty()) {
            throw new PnnException("--schedule step needs the experiment's decay epochs, and this experiment has none; "
                    + "use constant, poly or cos");
        }
        double momentum = o.momentum() != null ? o.momentum() : t.momentum();
        if (!(momentum >= 0 && momentum < 1)) throw new PnnException("--momentum must be in [0, 1), got " + momentum);
        double wd = o.weightDecay() != null ? o.weightDecay() : t.weightDecay();
        if (!(wd >= 0) || Double.isInfinite(wd)) throw new PnnException("--weight-decay must be >= 0, got " + wd);
        double power = o.power() != null ? o.power() : t.power();
        if (!(power > 0) || Double.isInfinite(power)) throw new PnnException("--power must be > 0, got " + power);
        double clip = o.gradClip() != null ? o.gradClip() : t.gradClip();
        if (!(clip >= 0) || Double.isInfinite(clip)) throw new PnnException("--grad-clip must be >= 0 (0: off), got " + clip);
        boolean dropLast = o.dropLast() != null ? o.dropLast() : t.dropLast();
        return new ExperimentSpec.Training(epochs, batch, lr, optimizer, wd, seed, t.lrDecayEpochs(), t.lrDecay(),
                schedule, power, momentum, clip, dropLast);
    }

    private static ExperimentSpec.@Nullable Adversarial adversarial(ExperimentSpec.@Nullable Adversarial a,
                                                                   RunOptions.TrainingOverrides o) {
        if (a == null && !o.anyAdversarial()) return null;
        if (a == null && (o.advRepeats() != null || o.fgsmStep() != null)) {
            // free training asked for on an ordinary experiment: the ConvNorm recipe's settings unless given
            a = ExperimentSpec.Adversarial.free(8 / 255.0, 8 / 255.0, 4, 2 / 255.0, 20, List.of("clean", "fgsm", "pgd"));
        }
        if (a == null) a = new ExperimentSpec.Adversarial(0.1, 0.0355, 7, true, 1.0, 0.1, List.of("clean", "pgd"), 1000);
        if (a.isFree() || o.advRepeats() != null || o.fgsmStep() != null) return free(a, o);
        double eps = o.advEps() != null ? o.advEps() : a.eps();
        // a new radius keeps the experiment's step-to-radius ratio
        double step = o.advStep() != null ? o.advStep() : eps * (a.step() / a.eps());
        int steps = o.advSteps() != null ? o.advSteps() : a.steps();
        if (!(eps > 0) || eps > 1) {
            throw new PnnException("--adv-eps must be in (0, 1] ([0, 1] pixel units, e.g. 0.1), got " + eps);
        }
        if (!(step > 0) || step > 1) throw new PnnException("--adv-step must be in (0, 1] pixel units, got " + step);
        if (steps < 1) throw new PnnException("--adv-steps must be >= 1, got " + steps);
        boolean clean = o.clean() != null ? o.clean() : a.clean();
        double cw = o.cleanWeight() != null ? o.cleanWeight() : a.cleanWeight();
        double mw = o.mseWeight() != null ? o.mseWeight() : a.mseWeight();
        if (!(cw >= 0) || !(mw >= 0) || Double.isInfinite(cw) || Double.isInfinite(mw)) {
            throw new PnnException("--clean-weight and --mse-weight must be >= 0");
        }
        List<String> evaluate = o.evaluate() != null ? o.evaluate() : a.evaluate();
        for (String e : evaluate) {
            if (!org.pnnlab.experiments.attack.RobustnessSuite.ATTACKS.contains(e) || e.equals("transfer")) {
                throw new PnnException("--evaluate: unknown attack '" + e + "'; after training: clean, pgd, fgsm, spsa "
                        + "(transfer needs a second run: use pnn evaluate --attack transfer --transfer-from RUN_DIR)");
            }
        }
        int spsaLimit = o.spsaLimit() != null ? o.spsaLimit() : a.spsaLimit();
        if (spsaLimit < 0) throw new PnnException("--spsa-limit must be >= 0, got " + spsaLimit);
        return new ExperimentSpec.Adversarial(eps, step, steps, clean, cw, mw, evaluate, spsaLimit);
    }

    /**
     * Builds the network for these settings and data shape (float32, the run's optimiser), for benchmarks: an
     * iteration-based schedule is laid out over 1 000 iterations an epoch.
     */
    public ComputationGraph buildNetwork(Resolved r, int channels, int height, int width, int classes) {
        return buildNetwork(r, channels, height, width, classes, 1000);
    }

    /** Builds the network; {@code iterationsPerEpoch} sizes the poly and cos schedules. */
    public ComputationGraph buildNetwork(Resolved r, int channels, int height, int width, int classes,
                                         long iterationsPerEpoch) {
        ModelSpec ms = new ModelSpec(r.model(), channels, height, width, classes, r.firstLayer(),
                r.firstLayerParams(), r.layer(), r.layerParams(), r.modelOptions(), r.seed());
        ExperimentSpec.Training t = r.training();
        double wd = t.weightDecay();
        long total = Math.max(1, iterationsPerEpoch * r.epochs());
        org.nd4j.linalg.schedule.ISchedule lr = switch (t.schedule()) {
            case "poly" -> IterationDecay.poly(r.learningRate(), t.power(), total);
            case "cos" -> IterationDecay.cos(r.learningRate(), total);
            default -> null;
        };
        if (t.schedule().equals("step")) {
            // DL4J counts epochs from 0; the reproduction sets the rate of epoch t (from 1) at its start
            java.util.Map<Integer, Double> values = new java.util.TreeMap<>();
            double last = Double.NaN;
            for (int e = 0; e < r.epochs(); e++) {
                double v = t.learningRateAt(r.learningRate(), e + 1);
                if (v != last) values.put(e, v);
                last = v;
            }
            lr = new org.nd4j.linalg.schedule.MapSchedule(org.nd4j.linalg.schedule.ScheduleType.EPOCH, values);
        }
        IUpdater updater = switch (t.optimizer()) {
            case "adam" -> lr != null ? new Adam(lr) : new Adam(r.learningRate());
            case "sgd" -> lr != null ? new Nesterovs(lr, t.momentum()) : new Nesterovs(r.learningRate(), t.momentum());
            case "momentum" -> lr != null ? HeavyBallSgd.of(lr, t.momentum()) : HeavyBallSgd.of(r.learningRate(), t.momentum());
            default -> throw new PnnException("unknown optimizer " + t.optimizer());
        };
        NeuralNetConfiguration.Builder base = new NeuralNetConfiguration.Builder().seed(r.seed())
                .dataType(DataType.FLOAT).updater(updater);
        if (wd > 0) base.l2(wd).l2Bias(wd);
        Nd4j.getRandom().setSeed(r.seed());
        ComputationGraph net = new ComputationGraph(models.get(r.model()).build(ms, layers, base));
        net.init();
        return net;
    }

    /** Runs the experiment; returns the run folder. */
    public Path run() {
        Resolved r = resolve();
        Path dataDir = DataDirs.resolve(options.dataDir());
        LOG.info("experiment {}: layer {}, dataset {}, {} epochs, batch {}, lr {}, seed {}", spec.name(), r.layer(),
                r.dataset(), r.epochs(), r.batchSize(), r.learningRate(), r.seed());
        RunOptions.Conditions cond = options.conditions();
        if (cond.labelNoise() > 0 && cond.noiseType().equals(Conditions.ASYMMETRIC)) {
            // no class map for this dataset: say so before loading (or downloading) it
            var known = org.pnnlab.datasets.DatasetCatalog.standard().find(r.dataset());
            if (known != null) Conditions.asymmetricMap(r.dataset(), known.classNames().size());
        }
        Split data = Datasets.load(r.dataset(), dataDir, options.allowDownload());
        var limited = options.trainLimit() > 0 ? data.train().head(options.trainLimit()) : data.train();
        // order: --train-limit, then the validation split and the class-balanced subset, then label noise
        Conditions.Applied applied = Conditions.apply(limited, r.dataset(), cond.validation(), cond.subset(),
                cond.labelNoise(), cond.noiseType(), cond.noisyValidation(), r.seed());
        var train = applied.train();
        @Nullable LabeledImages validation = applied.validation();
        var test = data.test();
        if (!cond.equals(RunOptions.Conditions.NONE)) {
            LOG.info("conditions: {}; {} training images ({} labels changed){}", cond.label(List.of()), train.count(),
                    applied.noisyLabels(), validation == null ? "" : ", " + validation.count() + " validation images");
        }
        Normalization norm = normalization(data.normalization());
        if (norm.channels() != train.channels()) {
            throw new PnnException("experiment " + spec.name() + " normalises " + norm.channels() + " channels but "
                    + r.dataset() + " has " + train.channels());
        }
        int[] shape = {train.channels(), train.height(), train.width()};
        INDArray trainX = train.features(norm);
        INDArray trainY = train.labelsOneHot();
        INDArray testX = test.features(norm);
        INDArray testLabels = Evaluation.labelVector(test.labels());
        @Nullable INDArray validationX = validation == null ? null : validation.features(norm);
        @Nullable INDArray validationLabels = validation == null ? null : Evaluation.labelVector(validation.labels());
        long n = trainX.size(0);
        boolean dropLast = r.training().dropLast() && n >= r.batchSize();
        int batches = (int) (dropLast ? n / r.batchSize() : (n + r.batchSize() - 1) / r.batchSize());

        ComputationGraph net = buildNetwork(r, shape[0], shape[1], shape[2], train.numClasses(), batches);
        ParamCounts counts = ParamCounts.of(net);
        LOG.info("model {}: {} trainable parameters, {} fixed values, {} statistics", r.model(),
                String.format(Locale.ROOT, "%,d", counts.trainable()), String.format(Locale.ROOT, "%,d", counts.fixed()),
                String.format(Locale.ROOT, "%,d", counts.statistics()));

        Path runDir = newRunDir(r);
        Path runJson = runDir.resolve(RunStore.RUN_JSON);
        Map<String, Object> config = configuration(r, train.count(), test.count(), norm, batches, applied);
        String now = Instant.now().toString();
        RunRecord record = new RunRecord(RunRecord.SCHEMA_VERSION, runDir.getFileName().toString(), spec.name(),
                RunRecord.RUNNING, r.layer(), r.seed(), r.dataset(), r.model(), r.epochs(), counts.trainable(),
                counts.fixed(), config, Environment.probe(), List.of(), null, 0, now, now, null);
        RunStore.write(runJson, record);
        AtomicReference<RunRecord> current = new AtomicReference<>(record);
        long started = System.nanoTime();
        Thread hook = new Thread(() -> {
            RunRecord last = current.get();
            if (last.status().equals(RunRecord.RUNNING)) {
                RunStore.write(runJson, last.finish(RunRecord.INTERRUPTED, null, (System.nanoTime() - started) / 1e9,
                        Instant.now().toString()));
            }
        }, "pnn-run-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        LOG.info("run folder {}", runDir);

        try {
            LegacySmoothedMonitor legacy = new LegacySmoothedMonitor(r.batchSize());
            SplittableRandom augmentRng = new SplittableRandom(r.seed() ^ 0x5DEECE66DL);
            boolean augment = spec.augmentation() == ExperimentSpec.Augmentation.CROP_FLIP;
            boolean free = r.adversarial() != null && r.adversarial().isFree();
            if (free && r.training().gradClip() > 0) {
                throw new PnnException("free adversarial training does not clip gradients; drop --grad-clip");
            }
            FreeAdversarialStep freeStep = free ? new FreeAdversarialStep(net, r.adversarial(), norm) : null;
            TrainingStep step = !free && TrainingStep.needed(r.adversarial(), r.training().gradClip())
                    ? new TrainingStep(net, r.adversarial(), r.training().gradClip(), norm) : null;
            long iteration = 0;
            for (int epoch = 1; epoch <= r.epochs(); epoch++) {
                long t0 = System.nanoTime();
                int[] order = permutation((int) n, r.seed(), epoch);
                net.getConfiguration().setEpochCount(epoch - 1); // the learning-rate schedule reads it
                progress.start(String.format(Locale.ROOT, "epoch %d/%d", epoch, r.epochs()), batches);
                double lossSum = 0;
                for (int b = 0; b < batches; b++) {
                    int from = b * r.batchSize();
                    int to = (int) Math.min(n, from + (long) r.batchSize());
                    int[] idx = java.util.Arrays.copyOfRange(order, from, to);
                    INDArray x = Nd4j.pullRows(trainX, 1, idx).reshape(to - from, shape[0], shape[1], shape[2]);
                    if (augment) {
                        x = Augment.cropFlip(x, norm.mean(), norm.std(), 4, augmentRng);
                    }
                    INDArray y = Nd4j.pullRows(trainY, 1, idx);
                    double loss;
                    if (freeStep != null) {
                        loss = freeStep.fit(x, y);
                    } else if (step != null) {
                        loss = step.fit(x, y, r.seed() * 0x9E3779B97F4A7C15L + iteration);
                    } else {
                        net.fit(new DataSet(x, y));
                        loss = net.score();
                    }
                    iteration++;
                    NativeMemory.relieve();
                    if (!Double.isFinite(loss)) {
                        throw new PnnException("training diverged in epoch " + epoch + " (loss " + loss
                                + "); try a smaller --lr");
                    }
                    lossSum += loss;
                    progress.update(b + 1, String.format(Locale.ROOT, "loss %.4f", lossSum / (b + 1)));
                }
                double trainSecs = (System.nanoTime() - t0) / 1e9;
                Evaluation ev = Evaluation.run(net, testX, testLabels, shape, r.batchSize());
                double smoothed = legacy.epoch(ev.batchCorrect(), ev.batchSizes());
                // the validation set is evaluated exactly like the test set: clean images, every image once
                @Nullable Evaluation val = validationX == null ? null
                        : Evaluation.run(net, validationX, validationLabels, shape, r.batchSize());
                double secs = (System.nanoTime() - t0) / 1e9;
                EpochRecord er = EpochRecord.of(epoch, lossSum / batches, ev.correct(), ev.total(), secs)
                        .withLegacySmoothedAccuracy(smoothed / 100);
                if (val != null) er = er.withValidation(val.correct(), val.total());
                String valText = val == null ? "" : String.format(Locale.ROOT, ", validation accuracy %.2f%% (%d/%d)",
                        100 * val.accuracy(), val.correct(), val.total());
                progress.finish(String.format(Locale.ROOT,
                        "train loss %.4f, test accuracy %.2f%% (%d/%d)%s, legacy smoothed monitor %.2f, %.1fs (train %.1fs)",
                        er.trainLoss(), 100 * er.testAccuracy(), ev.correct(), ev.total(), valText, smoothed, secs,
                        trainSecs));
                saveModel(net, runDir);
                RunRecord next = current.get().withEpoch(er, (System.nanoTime() - started) / 1e9);
                current.set(next);
                RunStore.write(runJson, next);
            }
            if (r.adversarial() != null && !r.adversarial().evaluate().isEmpty()) {
                ExperimentSpec.Adversarial a = r.adversarial();
                INDArray pixels = org.pnnlab.experiments.attack.RobustnessSuite.pixels(test);
                var req = new org.pnnlab.experiments.attack.RobustnessSuite.Request(a.evaluate(), a.eps(), a.step(), a.steps(),
                        0, a.spsaLimit(), 128, 100, r.seed());
                var results = org.pnnlab.experiments.attack.RobustnessSuite.run(
                        new org.pnnlab.experiments.attack.RobustnessSuite.Model(net, norm, runDir.toString()),
                        pixels, testLabels, req, null, progress);
                RunRecord withRob = current.get().withRobustness(results);
                current.set(withRob);
                RunStore.write(runJson, withRob);
            }
            RunRecord done = current.get();
            EpochRecord last = done.epochs().get(done.epochs().size() - 1);
            EpochRecord best = done.epochs().stream().max(java.util.Comparator.comparingDouble(EpochRecord::testAccuracy)).orElseThrow();
            FinalMetrics fm = new FinalMetrics(last.testAccuracy(), last.testCorrect(), last.testTotal(),
                    best.testAccuracy(), best.epoch(), legacy.best() / 100).withValidation(done.epochs());
            RunRecord fin = done.finish(RunRecord.COMPLETED, fm, (System.nanoTime() - started) / 1e9, Instant.now().toString());
            current.set(fin);
            RunStore.write(runJson, fin);
            LOG.info("{} finished: test accuracy {} ({} of {}), best {} in epoch {}; {}", spec.name(),
                    String.format(Locale.ROOT, "%.2f%%", 100 * fm.testAccuracy()), fm.testCorrect(), fm.testTotal(),
                    String.format(Locale.ROOT, "%.2f%%", 100 * fm.bestTestAccuracy()), fm.bestEpoch(), runDir);
            if (fm.testAccuracyAtBestValidation() != null) {
                LOG.info("best validation accuracy {} in epoch {}: test accuracy there {}",
                        String.format(Locale.ROOT, "%.2f%%", 100 * fm.bestValidationAccuracy()), fm.bestValidationEpoch(),
                        String.format(Locale.ROOT, "%.2f%%", 100 * fm.testAccuracyAtBestValidation()));
            }
            return runDir;
        } catch (RuntimeException e) {
            RunRecord failed = current.get().finish(RunRecord.FAILED, null, (System.nanoTime() - started) / 1e9,
                    Instant.now().toString());
            current.set(failed);
            RunStore.write(runJson, failed);
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down; the hook records the interruption
            }
        }
    }

    private Map<String, Object> configuration(Resolved r, int trainCount, int testCount, Normalization norm,
                                              int batchesPerEpoch, Conditions.Applied applied) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("experiment", spec.name());
        c.put("dataset", r.dataset());
        c.put("trainImages", trainCount);
        c.put("testImages", testCount);
        RunOptions.Conditions cond = options.conditions();
        c.put("condition", cond.label(conditionExtras(r)));
        Map<String, Object> cm = new LinkedHashMap<>();
        cm.put("labelNoise", cond.labelNoise());
        cm.put("noiseType", cond.noiseType());
        cm.put("noisyValidation", cond.noisyValidation());
        cm.put("noisyLabels", applied.noisyLabels());
        if (cond.noisyValidation()) cm.put("noisyValidationLabels", applied.noisyValidationLabels());
        cm.put("subset", cond.subset());
        cm.put("validation", cond.validation());
        cm.put("trainImages", applied.train().count());
        cm.put("validationImages", applied.validation() == null ? 0 : applied.validation().count());
        c.put("conditions", cm);
        c.put("model", r.model());
        c.put("modelOptions", r.modelOptions());
        c.put("firstLayer", r.firstLayer());
        c.put("firstLayerParams", layers.get(r.firstLayer()).params(r.firstLayerParams()).asMap());
        c.put("layer", r.layer());
        c.put("layerParams", layers.get(r.layer()).params(r.layerParams()).asMap());
        c.put("epochs", r.epochs());
        c.put("batchSize", r.batchSize());
        c.put("learningRate", r.learningRate());
        ExperimentSpec.Training t = r.training();
        c.put("optimizer", t.optimizer());
        if (!t.optimizer().equals("adam")) c.put("momentum", t.momentum());
        c.put("weightDecay", t.weightDecay());
        c.put("schedule", t.schedule());
        if (t.schedule().equals("poly")) c.put("power", t.power());
        c.put("gradClip", t.gradClip());
        c.put("dropLast", t.dropLast());
        c.put("iterationsPerEpoch", batchesPerEpoch);
        c.put("seed", r.seed());
        c.put("augmentation", spec.augmentation().name().toLowerCase(java.util.Locale.ROOT));
        c.put("normalization", Map.of("mean", java.util.Arrays.stream(norm.mean()).boxed().toList(),
                "std", java.util.Arrays.stream(norm.std()).boxed().toList()));
        if (t.schedule().equals("step")) {
            c.put("lrDecayEpochs", t.lrDecayEpochs());
            c.put("lrDecay", t.lrDecay());
        }
        if (r.adversarial() != null) c.put("adversarial", r.adversarial().toMap());
        c.put("dataType", "float32");
        c.put("dataOrder", "shuffled each epoch from the seed");
        return c;
    }

    /**
     * Conditions of the run beyond the data conditions, appended to its {@code condition} label (after
     * {@code sym-noise ...} and {@code subset ...}); none so far.
     */
    private static List<String> conditionExtras(Resolved r) {
        List<String> extra = new ArrayList<>();
        if (r.adversarial() != null && r.adversarial().isFree()) extra.add("free-adv");
        return extra;
    }

    /** Free adversarial training's settings after the user's overrides. */
    private static ExperimentSpec.Adversarial free(ExperimentSpec.Adversarial a, RunOptions.TrainingOverrides o) {
        boolean wasFree = a.isFree();
        double eps = o.advEps() != null ? o.advEps() : wasFree ? a.eps() : 8 / 255.0;
        double alpha = o.fgsmStep() != null ? o.fgsmStep() : wasFree ? a.fgsmStep() : eps;
        int m = o.advRepeats() != null ? o.advRepeats() : wasFree ? a.repeats() : 4;
        double step = o.advStep() != null ? o.advStep() : wasFree ? a.step() : eps / 4;
        int steps = o.advSteps() != null ? o.advSteps() : wasFree ? a.steps() : 20;
        if (!(eps > 0) || eps > 1) {
            throw new PnnException("--adv-eps must be in (0, 1] ([0, 1] pixel units, e.g. 0.0314 for 8/255), got " + eps);
        }
        if (!(alpha > 0) || alpha > 1) throw new PnnException("--fgsm-step must be in (0, 1] pixel units, got " + alpha);
        if (m < 1) throw new PnnException("--adv-repeats must be >= 1 (replays of each minibatch), got " + m);
        if (!(step > 0) || step > 1) throw new PnnException("--adv-step must be in (0, 1] pixel units, got " + step);
        if (steps < 1) throw new PnnException("--adv-steps must be >= 1, got " + steps);
        if (o.clean() != null || o.cleanWeight() != null || o.mseWeight() != null) {
            throw new PnnException("--clean, --clean-weight and --mse-weight belong to PGD training; free training "
                    + "(--adv-repeats/--fgsm-step) trains on the perturbed batch only");
        }
        List<String> evaluate = o.evaluate() != null ? o.evaluate() : wasFree ? a.evaluate() : List.of("clean", "fgsm", "pgd");
        for (String e : evaluate) {
            if (!List.of("clean", "pgd", "fgsm", "spsa").contains(e)) {
                throw new PnnException("--evaluate: unknown attack '" + e + "'; after training: clean, pgd, fgsm, spsa");
            }
        }
        int spsaLimit = o.spsaLimit() != null ? o.spsaLimit() : 1000;
        return new ExperimentSpec.Adversarial(eps, step, steps, false, 0, 0, evaluate, spsaLimit, m, alpha);
    }

    private Path newRunDir(Resolved r) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        String base = stamp + "-" + r.layer() + "-s" + r.seed() + options.conditions().tag();
        Path parent = options.runsDir().resolve(spec.name());
        try {
            Files.createDirectories(parent);
            for (int i = 1; ; i++) {
                Path p = parent.resolve(i == 1 ? base : base + "-" + i);
                try {
                    return Files.createDirectory(p);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    // taken by a run started in the same second: try the next suffix
                }
            }
        } catch (java.io.IOException e) {
            throw new PnnException("cannot create a run folder under " + parent + ": " + e.getMessage(), e);
        }
    }

    private static void saveModel(ComputationGraph net, Path runDir) {
        AtomicFiles.write(runDir.resolve(RunStore.MODEL_ZIP), out -> ModelSerializer.writeModel(net, out, true));
    }

    /** The order of the training images in an epoch: a shuffle determined by the seed and the epoch. */
    static int[] permutation(int n, long seed, int epoch) {
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

}
