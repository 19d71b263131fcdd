package org.pnnlab.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.run.EnvironmentInfo;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.FinalMetrics;
import org.pnnlab.api.run.RunRecord;

/** Run records built by hand for the tests. */
final class Fixtures {
    static final EnvironmentInfo ENV = new EnvironmentInfo("17.0.12", "Eclipse Adoptium", "Linux 6.1 amd64", 8,
            "nd4j-native", "OpenBLAS", "0123abc", "0.1.0-SNAPSHOT");

    private Fixtures() {
    }

    /** Time of the fixtures' last record update (and of finishing, for finished runs). */
    static final String UPDATED_AT = "2025-01-01T01:02:05Z";

    /** As {@link #run(String, String, long, String, double[], int, double, Double, Map)}, planning every epoch run. */
    static RunRecord run(String experiment, String layer, long seed, String status, double[] acc,
                         double finalAcc, @Nullable Double legacy, Map<String, Object> config) {
        return run(experiment, layer, seed, status, acc, acc.length, finalAcc, legacy, config);
    }

    /** A run whose per-epoch test accuracies are {@code acc} out of {@code planned}; completed runs get final metrics. */
    static RunRecord run(String experiment, String layer, long seed, String status, double[] acc, int planned,
                         double finalAcc, @Nullable Double legacy, Map<String, Object> config) {
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
        return new RunRecord(RunRecord.SCHEMA_VERSION, experiment + "-s" + seed + "-20250101T000000",
                experiment, status, layer, seed, "mnist", "lenet5", planned, 1_234_567, 4_096, config, ENV, epochs,
                f, 3725, "2025-01-01T00:00:00Z", UPDATED_AT, f == null ? null : UPDATED_AT);
    }

    /** A copy of {@code r} with another status, planned epoch count and last update time. */
    static RunRecord with(RunRecord r, String status, int planned, String updatedAt) {
        return new RunRecord(r.schemaVersion(), r.runId(), r.experiment(), status, r.layer(), r.seed(), r.dataset(),
                r.model(), planned, r.parameterCount(), r.fixedParameterCount(), r.configuration(), r.environment(),
                r.epochs(), r.finalMetrics(), r.wallTimeSeconds(), r.startedAt(), updatedAt, r.finishedAt());
    }

    static Map<String, Object> config(@Nullable String condition) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epochs", 3);
        if (condition != null) {
            m.put("condition", condition);
        }
        return m;
    }

    /**
     * Two experiments: three completed seeds of conv (final 98.43, 98.61, 98.25; best 98.50, 98.70, 98.30)
     * plus one seed interrupted after 2 of 3 planned epochs, and one single-epoch pnn run with the legacy monitor whose model name
     * contains a script tag.
     */
    static List<RunRecord> sample() {
        List<RunRecord> runs = new ArrayList<>();
        // deliberately out of order: the report sorts
        runs.add(run("mnist-lenet-conv", "conv", 3, RunRecord.COMPLETED, new double[] {0.97, 0.980, 0.983},
                0.9825, null, config("baseline")));
        runs.add(run("mnist-lenet-pnn", "pnn", 1, RunRecord.COMPLETED, new double[] {0.9640}, 0.9640, 0.9712,
                config(null)));
        runs.add(run("mnist-lenet-conv", "conv", 1, RunRecord.COMPLETED, new double[] {0.97, 0.980, 0.985},
                0.9843, null, config("baseline")));
        runs.add(run("mnist-lenet-conv", "conv", 2, RunRecord.COMPLETED, new double[] {0.97, 0.987, 0.986},
                0.9861, null, config("baseline")));
        runs.add(run("mnist-lenet-conv", "conv", 4, RunRecord.INTERRUPTED, new double[] {0.50, 0.6123}, 3,
                Double.NaN, null, config("baseline")));
        RunRecord withScript = runs.get(1);
        runs.set(1, new RunRecord(withScript.schemaVersion(), withScript.runId(), withScript.experiment(),
                withScript.status(), withScript.layer(), withScript.seed(), withScript.dataset(),
                "<script>alert('x')</script>", withScript.plannedEpochs(), withScript.parameterCount(), 0,
                withScript.configuration(), withScript.environment(), withScript.epochs(), withScript.finalMetrics(),
                42.0, withScript.startedAt(), withScript.updatedAt(), withScript.finishedAt()));
        return runs;
    }
}
