package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The saved record of one run, stored as {@code runs/<experiment>/<run-id>/run.json}. It is rewritten
 * (atomically) after every epoch, so an interrupted run keeps a valid record whose status says so.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION} when written by this version
 * @param status one of {@code running}, {@code completed}, {@code interrupted}, {@code failed}
 * @param layer the id of the layer plugin under test (the one the experiment varies)
 * @param plannedEpochs epochs the run was asked for
 * @param parameterCount trainable parameters
 * @param fixedParameterCount stored but untrained values (noise masks, fixed binary filters)
 * @param configuration every setting the run used: experiment, model, layer, optimizer and data options
 * @param finalMetrics the outcome; null until the run has finished
 * @param updatedAt when the record was last rewritten (a "running" record that is old was killed)
 * @param robustness accuracy under attack, one entry per attack column, newest evaluation of each name only;
 *     empty when the run was never attacked
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRecord(int schemaVersion, String runId, String experiment, String status, String layer, long seed,
                        String dataset, String model, int plannedEpochs, long parameterCount, long fixedParameterCount,
                        Map<String, Object> configuration, EnvironmentInfo environment, List<EpochRecord> epochs,
                        @JsonProperty("final") @Nullable FinalMetrics finalMetrics, double wallTimeSeconds,
                        String startedAt, String updatedAt, @Nullable String finishedAt,
                        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<RobustnessRecord> robustness) {

    public static final int SCHEMA_VERSION = 1;

    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String INTERRUPTED = "interrupted";
    public static final String FAILED = "failed";

    public RunRecord {
        for (Object[] f : new Object[][]{{"runId", runId}, {"experiment", experiment}, {"status", status},
                {"layer", layer}, {"dataset", dataset}, {"model", model}, {"configuration", configuration},
                {"environment", environment}, {"epochs", epochs}, {"startedAt", startedAt}, {"updatedAt", updatedAt}}) {
            if (f[1] == null) throw new IllegalArgumentException("run record has no '" + f[0] + "'");
        }
        configuration = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(configuration));
        epochs = List.copyOf(epochs);
        robustness = robustness == null ? List.of() : List.copyOf(robustness);
    }

    /** A record without robustness figures. */
    public RunRecord(int schemaVersion, String runId, String experiment, String status, String layer, long seed,
                     String dataset, String model, int plannedEpochs, long parameterCount, long fixedParameterCount,
                     Map<String, Object> configuration, EnvironmentInfo environment, List<EpochRecord> epochs,
                     @Nullable FinalMetrics finalMetrics, double wallTimeSeconds, String startedAt, String updatedAt,
                     @Nullable String finishedAt) {
        this(schemaVersion, runId, experiment, status, layer, seed, dataset, model, plannedEpochs, parameterCount,
                fixedParameterCount, configuration, environment, epochs, finalMetrics, wallTimeSeconds, startedAt,
                updatedAt, finishedAt, List.of());
    }

    /**
     * This record with the given robustness entries added; an entry replaces an earlier one of the same name.
     */
    public RunRecord withRobustness(List<RobustnessRecord> added) {
        Map<String, RobustnessRecord> byName = new LinkedHashMap<>();
        for (RobustnessRecord r : robustness) byName.put(r.name(), r);
        for (RobustnessRecord r : added) {
            byName.remove(r.name());
            byName.put(r.name(), r);
        }
        return new RunRecord(schemaVersion, runId, experiment, status, layer, seed, dataset, model, plannedEpochs,
                parameterCount, fixedParameterCount, configuration, environment, epochs, finalMetrics, wallTimeSeconds,
                startedAt, java.time.Instant.now().toString(), finishedAt, new ArrayList<>(byName.values()));
    }

    /** The robustness entry called {@code name}, or null. */
    public @Nullable RobustnessRecord robustness(String name) {
        for (RobustnessRecord r : robustness) if (r.name().equals(name)) return r;
        return null;
    }

    public RunRecord withEpoch(EpochRecord e, double wallTimeSeconds) {
        List<EpochRecord> list = new ArrayList<>(epochs);
        list.add(e);
        return new RunRecord(schemaVersion, runId, experiment, status, layer, seed, dataset, model, plannedEpochs,
                parameterCount, fixedParameterCount, configuration, environment, list, finalMetrics, wallTimeSeconds,
                startedAt, java.time.Instant.now().toString(), finishedAt, robustness);
    }

    public RunRecord finish(String newStatus, @Nullable FinalMetrics metrics, double wallTimeSeconds,
                            String finishedAt) {
        return new RunRecord(schemaVersion, runId, experiment, newStatus, layer, seed, dataset, model, plannedEpochs,
                parameterCount, fixedParameterCount, configuration, environment, epochs, metrics, wallTimeSeconds,
                startedAt, finishedAt, finishedAt, robustness);
    }

    /** Best per-epoch test accuracy so far, or NaN with no epochs. */
    public double bestTestAccuracy() {
        return epochs.stream().mapToDouble(EpochRecord::testAccuracy).max().orElse(Double.NaN);
    }
}
