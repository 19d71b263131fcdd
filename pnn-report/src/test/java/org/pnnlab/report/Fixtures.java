package org.pnnlab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.run.AdversarialTraining;
import org.pnnlab.api.run.DataConfig;
import org.pnnlab.api.run.EnvironmentInfo;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.FinalMetrics;
import org.pnnlab.api.run.LayerChoice;
import org.pnnlab.api.run.ModelConfig;
import org.pnnlab.api.run.NoiseType;
import org.pnnlab.api.run.OptimConfig;
import org.pnnlab.api.run.ProcessInfo;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.run.RunFacts;
import org.pnnlab.api.run.RunRecord;

/** Run records (schema version 2) built by hand for the tests. */
final class Fixtures {
    static final EnvironmentInfo ENV = new EnvironmentInfo("17.0.12", "Eclipse Adoptium", "Linux 6.1 amd64", 8,
            "nd4j-native", "OpenBLAS", "0123abc", "0.1.0-SNAPSHOT");

    /** What the fixtures' runs measured: 1,234,567 trainable parameters and 4,096 fixed values. */
    static final RunFacts FACTS = new RunFacts(1_234_567, 4_096, 60_000, 0, 10_000, 938, 0, 0);

    private Fixtures() {
    }

    /** Time of the fixtures' last record update (and of finishing, for finished runs). */
    static final String UPDATED_AT = "2025-01-01T01:02:05Z";

    // ------------------------------------------------------------------ configurations and conditions

    /** {@code experiment} on mnist with a lenet whose every slot is {@code layer}, {@code planned} epochs. */
    static RunConfig config(String experiment, String layer, long seed, int planned) {
        return RunConfig.of(experiment, DataConfig.of("mnist"), ModelConfig.everySlot("lenet", Map.of(),
                        LayerChoice.of(layer)))
                .withSeed(seed)
                .withOptim(OptimConfig.DEFAULTS.withEpochs(planned));
    }

    /** No experimental condition: the configuration as it is (clean data, ordinary training). */
    static UnaryOperator<RunConfig> clean() {
        return c -> c;
    }

    /** Symmetric label noise of {@code rate}. */
    static UnaryOperator<RunConfig> noise(double rate) {
        return c -> c.withData(c.data().withLabelNoise(rate, NoiseType.SYMMETRIC));
    }

    /** Asymmetric label noise of {@code rate}. */
    static UnaryOperator<RunConfig> asymNoise(double rate) {
        return c -> c.withData(c.data().withLabelNoise(rate, NoiseType.ASYMMETRIC));
    }

    /** Training on {@code fraction} of each class. */
    static UnaryOperator<RunConfig> subset(double fraction) {
        return c -> c.withData(c.data().withSubset(fraction));
    }

    /** Free adversarial training (condition label {@code free-adv}). */
    static UnaryOperator<RunConfig> freeAdv() {
        return c -> c.withAdversarial(AdversarialTraining.Free.defaults());
    }

    /** PGD adversarial training (condition label {@code pgd-adv}). */
    static UnaryOperator<RunConfig> pgdAdv() {
        return c -> c.withAdversarial(AdversarialTraining.Pgd.of(0.1));
    }

    /** All of {@code parts}, applied in order. */
    @SafeVarargs
    static UnaryOperator<RunConfig> all(UnaryOperator<RunConfig>... parts) {
        return c -> {
            for (UnaryOperator<RunConfig> p : parts) {
                c = p.apply(c);
            }
            return c;
        };
    }

    // ------------------------------------------------------------------ processes

    /** A process that is alive: this one. */
    static ProcessInfo liveProcess() {
        return ProcessInfo.current();
    }

    /** A process on this host that does not exist (as after {@code kill -9}). */
    static ProcessInfo deadProcess() {
        long pid = 4_000_000;
        while (ProcessHandle.of(pid).isPresent()) {
            pid++;
        }
        return new ProcessInfo(pid, ProcessInfo.current().host(), "2025-01-01T00:00:00Z");
    }

    // ------------------------------------------------------------------ records

    /** As {@link #run(String, String, long, String, double[], int, double, Double, UnaryOperator)}, planning every epoch run. */
    static RunRecord run(String experiment, String layer, long seed, String status, double[] acc,
                         double finalAcc, @Nullable Double legacy, UnaryOperator<RunConfig> condition) {
        return run(experiment, layer, seed, status, acc, acc.length, finalAcc, legacy, condition);
    }

    /**
     * A run whose per-epoch test accuracies are {@code acc} out of {@code planned}; completed runs get final metrics.
     * {@code condition} sets the experimental condition (or any other setting) of its configuration.
     */
    static RunRecord run(String experiment, String layer, long seed, String status, double[] acc, int planned,
                         double finalAcc, @Nullable Double legacy, UnaryOperator<RunConfig> condition) {
        return run(condition.apply(config(experiment, layer, seed, planned)), status, acc, finalAcc, legacy);
    }

    /**
     * A run of {@code config} whose per-epoch test accuracies are {@code acc}; completed runs get final metrics. A
     * running record belongs to this (live) process; finished ones have no process.
     */
    static RunRecord run(RunConfig config, String status, double[] acc, double finalAcc, @Nullable Double legacy) {
        List<EpochRecord> epochs = new ArrayList<>();
        int bestEpoch = 0;
        double best = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < acc.length; i++) {
            long correct = Math.round(acc[i] * 10_000);
            EpochRecord e = new EpochRecord(i + 1, 0.5 / (i + 1), acc[i], correct, 10_000,
                    legacy == null ? null : legacy - 0.01 * (acc.length - 1 - i), 12.5);
            epochs.add(e);
            if (acc[i] > best) {
                best = acc[i];
                bestEpoch = i + 1;
            }
        }
        FinalMetrics f = RunRecord.COMPLETED.equals(status)
                ? new FinalMetrics(finalAcc, Math.round(finalAcc * 10_000), 10_000, best, bestEpoch, legacy)
                : null;
        ProcessInfo process = RunRecord.RUNNING.equals(status) ? liveProcess() : null;
        return new RunRecord(RunRecord.SCHEMA_VERSION, config.runId(), status, config, FACTS, ENV, process, epochs,
                f, 3725, "2025-01-01T00:00:00Z", UPDATED_AT, f == null ? null : UPDATED_AT, List.of());
    }

    /** A copy of {@code r} with another status and process. */
    static RunRecord with(RunRecord r, String status, @Nullable ProcessInfo process) {
        return new RunRecord(r.schemaVersion(), r.runId(), status, r.config(), r.facts(), r.environment(), process,
                r.epochs(), r.finalMetrics(), r.wallTimeSeconds(), r.startedAt(), r.updatedAt(), r.finishedAt(),
                r.robustness());
    }

    /** A copy of {@code r} with another run id. */
    static RunRecord withRunId(RunRecord r, String runId) {
        return new RunRecord(r.schemaVersion(), runId, r.status(), r.config(), r.facts(), r.environment(),
                r.process(), r.epochs(), r.finalMetrics(), r.wallTimeSeconds(), r.startedAt(), r.updatedAt(),
                r.finishedAt(), r.robustness());
    }

    /** A copy of {@code r} with other epochs. */
    static RunRecord withEpochs(RunRecord r, List<EpochRecord> epochs) {
        return new RunRecord(r.schemaVersion(), r.runId(), r.status(), r.config(), r.facts(), r.environment(),
                r.process(), epochs, r.finalMetrics(), r.wallTimeSeconds(), r.startedAt(), r.updatedAt(),
                r.finishedAt(), r.robustness());
    }

    /**
     * Two experiments: three completed seeds of conv with 20% symmetric label noise (final 98.43, 98.61, 98.25;
     * best 98.50, 98.70, 98.30) plus one seed interrupted after 2 of 3 planned epochs, and one clean single-epoch
     * pnn run with the legacy monitor whose model name contains a script tag.
     */
    static List<RunRecord> sample() {
        List<RunRecord> runs = new ArrayList<>();
        // deliberately out of order: the report sorts
        runs.add(run("mnist-lenet-conv", "conv", 3, RunRecord.COMPLETED, new double[] {0.97, 0.980, 0.983},
                0.9825, null, noise(0.2)));
        runs.add(run("mnist-lenet-pnn", "pnn", 1, RunRecord.COMPLETED, new double[] {0.9640}, 0.9640, 0.9712,
                clean()));
        runs.add(run("mnist-lenet-conv", "conv", 1, RunRecord.COMPLETED, new double[] {0.97, 0.980, 0.985},
                0.9843, null, noise(0.2)));
        runs.add(run("mnist-lenet-conv", "conv", 2, RunRecord.COMPLETED, new double[] {0.97, 0.987, 0.986},
                0.9861, null, noise(0.2)));
        runs.add(run("mnist-lenet-conv", "conv", 4, RunRecord.INTERRUPTED, new double[] {0.50, 0.6123}, 3,
                Double.NaN, null, noise(0.2)));
        RunRecord p = runs.get(1);
        RunConfig scripted = p.config().withModel(p.config().model().withName("<script>alert('x')</script>"));
        runs.set(1, new RunRecord(p.schemaVersion(), scripted.runId(), p.status(), scripted,
                new RunFacts(p.facts().parameterCount(), 0, 60_000, 0, 10_000, 938, 0, 0), p.environment(),
                p.process(), p.epochs(), p.finalMetrics(), 42.0, p.startedAt(), p.updatedAt(), p.finishedAt(),
                p.robustness()));
        return runs;
    }
    /**
     * A study "noise-study" with baseline conv: conv and perturbation under clean data and 40% symmetric noise, seeds
     * 1-3 each. Accuracies (%): clean conv 90, 91, 92 and perturbation 91, 91.5, 93.5 (differences 1, 0.5, 1.5);
     * noisy conv 80, 82, 84 and perturbation 70, 71.5, 73 (differences -10, -10.5, -11). Returns the runs.
     */
    static List<RunRecord> studyRuns() {
        double[][] acc = {{0.90, 0.91, 0.92}, {0.91, 0.915, 0.935}, {0.80, 0.82, 0.84}, {0.70, 0.715, 0.73}};
        String[] layers = {"conv", "perturbation", "conv", "perturbation"};
        List<RunRecord> out = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            UnaryOperator<RunConfig> condition = k < 2 ? clean() : noise(0.4);
            for (int s = 0; s < 3; s++) {
                double a = acc[k][s];
                out.add(run("study-e", layers[k], s + 1, RunRecord.COMPLETED, new double[] {a - 0.05, a}, a, null,
                        condition));
            }
        }
        return out;
    }

    /** The manifest of {@link #studyRuns()}. */
    static org.pnnlab.api.study.StudyManifest studyManifest(List<RunRecord> runs) {
        return new org.pnnlab.api.study.StudyManifest("noise-study", "studies/noise.yaml", "conv", runs.stream()
                .map(r -> new org.pnnlab.api.study.StudyManifest.Cell(r.experiment(), r.runId(), null, null)).toList());
    }

    /** Writes {@code runs} and their study manifest under {@code runsDir}, as a study runner does. */
    static void writeStudy(java.nio.file.Path runsDir, List<RunRecord> runs) throws java.io.IOException {
        for (RunRecord r : runs) {
            org.pnnlab.api.run.RunStore.write(runsDir.resolve(r.experiment()).resolve(r.runId())
                    .resolve(org.pnnlab.api.run.RunStore.RUN_JSON), r);
        }
        java.nio.file.Path manifest = org.pnnlab.api.study.StudyManifest.path(runsDir, "noise-study");
        java.nio.file.Files.createDirectories(manifest.getParent());
        new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValue(manifest.toFile(), studyManifest(runs));
    }
}
