package org.pnnlab.experiments.train;

import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.FinalMetrics;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.run.RunFacts;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;
import org.pnnlab.experiments.Environment;
import org.pnnlab.experiments.attack.AttackRegistry;
import org.pnnlab.models.ParamCounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a run from its configuration, or resumes one from its folder, and trains it with a {@link TrainLoop}: the
 * step strategy of the experiment (if it binds one) or of the run's adversarial training, the standard listeners and
 * the experiment's own. Built by Guice from the core module and the experiment's module.
 */
public final class RunLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(RunLauncher.class);

    private final ConfigResolver resolver;
    private final NetworkBuilder builder;
    private final AttackRegistry attacks;
    private final Set<TrainListener> extraListeners;
    private final Optional<StepStrategy.Factory> stepFactory;

    @Inject
    public RunLauncher(ConfigResolver resolver, NetworkBuilder builder, AttackRegistry attacks,
                       Set<TrainListener> extraListeners, Optional<StepStrategy.Factory> stepFactory) {
        this.resolver = resolver;
        this.builder = builder;
        this.attacks = attacks;
        this.extraListeners = extraListeners;
        this.stepFactory = stepFactory;
    }

    /** Trains {@code config} in a new run folder; returns the folder. */
    public Path start(RunConfig config, Workspace workspace) {
        RunConfig c = resolver.resolve(config);
        Path runDir = newRunDir(c, workspace.runsDir());
        LOG.info("experiment {}: layer {}, dataset {}, {} epochs, batch {}, lr {}, seed {}", c.experiment(), c.layer(),
                c.data().dataset(), c.optim().epochs(), c.optim().batchSize(), c.optim().learningRate(), c.seed());
        TrainingData data;
        try {
            data = TrainingData.load(c, workspace);
        } catch (RuntimeException e) {
            deleteEmpty(runDir);
            throw e;
        }
        if (!c.condition().isClean()) {
            LOG.info("conditions: {}; {} training images ({} labels changed){}", c.condition().label(), data.trainCount(),
                    data.applied().noisyLabels(), data.validationX() == null ? ""
                            : ", " + data.validationX().size(0) + " validation images");
        }
        int batches = data.batchesPerEpoch(c.optim());
        ComputationGraph net = builder.build(c, data.shape(), data.classes(), batches);
        LossTerms terms;
        try {
            terms = LossTerms.forRun(net, c); // a term that cannot apply stops the run before anything is written
        } catch (RuntimeException e) {
            deleteEmpty(runDir);
            throw e;
        }
        ParamCounts counts = ParamCounts.of(net);
        LOG.info("model {}: {} trainable parameters, {} fixed values, {} statistics", c.model().name(),
                String.format(Locale.ROOT, "%,d", counts.trainable()), String.format(Locale.ROOT, "%,d", counts.fixed()),
                String.format(Locale.ROOT, "%,d", counts.statistics()));
        RunFacts facts = new RunFacts(counts.trainable(), counts.fixed(), data.trainCount(),
                data.validationX() == null ? 0 : (int) data.validationX().size(0), (int) data.testX().size(0), batches,
                data.applied().noisyLabels(), data.applied().noisyValidationLabels());
        RunRecord record = RunRecord.start(c, runDir.getFileName().toString(), facts, Environment.probe());
        LOG.info("run folder {}", runDir);
        return train(runDir, record, net, terms, data, Position.START, workspace);
    }

    /**
     * Continues an interrupted, failed or killed run from its last checkpoint: weights, optimiser state, schedule
     * position, stored layer state, data order and random streams, so that it ends as an uninterrupted run would.
     */
    public Path resume(Path runDir, Workspace workspace) {
        Path json = runDir.resolve(RunStore.RUN_JSON);
        if (!Files.isDirectory(runDir) || !Files.isRegularFile(json)) {
            throw new PnnException(runDir + " is not a run folder (it has no " + RunStore.RUN_JSON
                    + "); give a folder such as runs/<experiment>/<run-id>");
        }
        RunRecord rec = RunStore.read(json);
        if (rec.readOnly()) {
            throw new PnnException(runDir + " was written by an older pnn (run schema " + rec.schemaVersion()
                    + ") and cannot be resumed; run its experiment again");
        }
        String status = rec.effectiveStatus();
        if (status.equals(RunRecord.COMPLETED)) {
            throw new PnnException(runDir + " has already completed; there is nothing to resume (start a new run "
                    + "with 'pnn run', or 'pnn evaluate' it)");
        }
        if (status.equals(RunRecord.RUNNING)) {
            throw new PnnException(runDir + " is still being trained by process " + rec.process().pid() + " on "
                    + rec.process().host() + "; resume it only after that process has stopped");
        }
        Checkpoint cp = Checkpoint.read(runDir);
        if (cp == null) {
            throw new PnnException(runDir + " has no checkpoint (it stopped before the first one); start it again with "
                    + "'pnn run --config' on its configuration (pnn config can print it)");
        }
        RunConfig c = resolver.resolve(rec.config());
        ComputationGraph net = cp.loadNetwork(runDir);
        LossTerms terms = LossTerms.forRun(net, c);
        TrainingData data = TrainingData.load(c, workspace);
        LOG.info("resuming {} at epoch {}, batch {} (iteration {})", runDir, cp.position().epoch(), cp.position().batch(),
                cp.position().iteration());
        return train(runDir, rec.resumed(cp.epochs(), cp.wallTimeSeconds()), net, terms, data, cp.position(), workspace);
    }

    private Path train(Path runDir, RunRecord record, ComputationGraph net, LossTerms terms, TrainingData data,
                       Position from, Workspace workspace) {
        RunConfig c = record.config();
        try (RunJournal journal = new RunJournal(runDir.resolve(RunStore.RUN_JSON), record)) {
            RunContext run = new RunContext(c, net, data, runDir, journal, workspace);
            try {
                StepStrategy step = stepFactory.isPresent() ? stepFactory.get().create(net, c, data.normalization(), terms)
                        : StepStrategy.standard(net, c, data.normalization(), terms);
                List<TrainListener> listeners = new ArrayList<>(StandardListeners.of(attacks));
                listeners.addAll(extraListeners);
                new TrainLoop(step, listeners).run(run, from);
                complete(journal);
                return runDir;
            } catch (RuntimeException e) {
                journal.update(r -> r.finish(RunRecord.FAILED, null, journal.wallTime(), Instant.now().toString()));
                throw e;
            }
        }
    }

    private static void complete(RunJournal journal) {
        RunRecord done = journal.record();
        List<EpochRecord> epochs = done.epochs();
        EpochRecord last = epochs.get(epochs.size() - 1);
        EpochRecord best = epochs.stream().max(java.util.Comparator.comparingDouble(EpochRecord::testAccuracy)).orElseThrow();
        Double legacyBest = epochs.stream().map(EpochRecord::legacySmoothedAccuracy).filter(java.util.Objects::nonNull)
                .max(Double::compare).orElse(null);
        FinalMetrics fm = new FinalMetrics(last.testAccuracy(), last.testCorrect(), last.testTotal(), best.testAccuracy(),
                best.epoch(), legacyBest).withValidation(epochs);
        journal.update(r -> r.finish(RunRecord.COMPLETED, fm, journal.wallTime(), Instant.now().toString()));
        LOG.info("{} finished: test accuracy {} ({} of {}); {}", done.experiment(),
                String.format(Locale.ROOT, "%.2f%%", 100 * fm.testAccuracy()), fm.testCorrect(), fm.testTotal(),
                journal.runJson().getParent());
        if (fm.testAccuracyAtBestValidation() != null) {
            LOG.info("best validation accuracy {} in epoch {}: test accuracy there {}",
                    String.format(Locale.ROOT, "%.2f%%", 100 * fm.bestValidationAccuracy()), fm.bestValidationEpoch(),
                    String.format(Locale.ROOT, "%.2f%%", 100 * fm.testAccuracyAtBestValidation()));
        }
    }

    /**
     * The run's folder {@code runs/<experiment>/<run-id>}. A completed run of the same configuration and seed makes
     * this a repetition, saved beside it as {@code <run-id>-r2}, {@code -r3}, ...; an unfinished one is to be
     * resumed or removed, not silently duplicated.
     */
    private static Path newRunDir(RunConfig c, Path runsDir) {
        Path parent = runsDir.resolve(c.experiment());
        try {
            Files.createDirectories(parent);
        } catch (IOException e) {
            throw new PnnException("cannot create a run folder under " + parent + ": " + e.getMessage(), e);
        }
        for (int i = 1; ; i++) {
            Path p = parent.resolve(i == 1 ? c.runId() : c.runId() + "-r" + i);
            try {
                return Files.createDirectory(p);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                Path json = p.resolve(RunStore.RUN_JSON);
                if (Files.isRegularFile(json)) {
                    String status = RunStore.read(json).effectiveStatus();
                    if (!status.equals(RunRecord.COMPLETED)) {
                        throw new PnnException("run " + p + " of this configuration and seed exists and is " + status
                                + "; continue it with 'pnn resume " + p + "', or remove that folder to start over");
                    }
                } else if (isEmpty(p)) {
                    return p; // left by a run that failed before writing anything
                }
            } catch (IOException e) {
                throw new PnnException("cannot create a run folder under " + parent + ": " + e.getMessage(), e);
            }
        }
    }

    private static boolean isEmpty(Path dir) {
        try (var s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteEmpty(Path dir) {
        if (isEmpty(dir)) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // an empty folder is harmless
            }
        }
    }
}
