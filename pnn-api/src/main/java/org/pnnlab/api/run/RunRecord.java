package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The saved record of one run, stored as {@code runs/<experiment>/<run-id>/run.json}. It is rewritten
 * (atomically) after every epoch, so an interrupted run keeps a valid record whose status says so.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION} when written by this version; records of version 1 are converted
 *     on reading and are read-only (they cannot be resumed)
 * @param status one of {@code running}, {@code completed}, {@code interrupted}, {@code failed}
 * @param config every setting of the run
 * @param facts what the run measured at its start; null until then
 * @param process the process training the run, while it runs
 * @param finalMetrics the outcome; null until the run has finished
 * @param updatedAt when the record was last rewritten
 * @param robustness accuracy under attack, one entry per attack column, newest evaluation of each name only
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunRecord(int schemaVersion, String runId, String status, RunConfig config, @Nullable RunFacts facts,
                        EnvironmentInfo environment, @Nullable ProcessInfo process, List<EpochRecord> epochs,
                        @JsonProperty("final") @Nullable FinalMetrics finalMetrics, double wallTimeSeconds,
                        String startedAt, String updatedAt, @Nullable String finishedAt,
                        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<RobustnessRecord> robustness) {

    public static final int SCHEMA_VERSION = 2;

    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String INTERRUPTED = "interrupted";
    public static final String FAILED = "failed";

    public RunRecord {
        for (Object[] f : new Object[][]{{"runId", runId}, {"status", status}, {"config", config},
                {"environment", environment}, {"epochs", epochs}, {"startedAt", startedAt}, {"updatedAt", updatedAt}}) {
            if (f[1] == null) throw new IllegalArgumentException("run record has no '" + f[0] + "'");
        }
        epochs = List.copyOf(epochs);
        robustness = robustness == null ? List.of() : List.copyOf(robustness);
    }

    /** A new record of a run that starts now. */
    public static RunRecord start(RunConfig config, String runId, RunFacts facts, EnvironmentInfo environment) {
        String now = Instant.now().toString();
        return new RunRecord(SCHEMA_VERSION, runId, RUNNING, config, facts, environment, ProcessInfo.current(),
                List.of(), null, 0, now, now, null, List.of());
    }

    @JsonIgnore
    public String experiment() {
        return config.experiment();
    }

    /** The id of the layer under test. */
    @JsonIgnore
    public String layer() {
        return config.layer();
    }

    @JsonIgnore
    public long seed() {
        return config.seed();
    }

    @JsonIgnore
    public String dataset() {
        return config.data().dataset();
    }

    @JsonIgnore
    public String model() {
        return config.model().name();
    }

    @JsonIgnore
    public int plannedEpochs() {
        return config.optim().epochs();
    }

    /** Records of an older schema are shown and evaluated but never resumed or rewritten as a whole. */
    @JsonIgnore
    public boolean readOnly() {
        return schemaVersion < SCHEMA_VERSION;
    }

    /**
     * The status a reader should show: a record still marked {@code running} whose process is gone (killed, the
     * machine restarted) is {@code interrupted}.
     */
    @JsonIgnore
    public String effectiveStatus() {
        if (!RUNNING.equals(status)) return status;
        if (process == null) return readOnly() ? INTERRUPTED : RUNNING; // no version-1 run is still being trained
        return process.maybeAlive() ? RUNNING : INTERRUPTED;
    }

    /** This record with the given robustness entries added; an entry replaces an earlier one of the same name. */
    public RunRecord withRobustness(List<RobustnessRecord> added) {
        Map<String, RobustnessRecord> byName = new LinkedHashMap<>();
        for (RobustnessRecord r : robustness) byName.put(r.name(), r);
        for (RobustnessRecord r : added) {
            byName.remove(r.name());
            byName.put(r.name(), r);
        }
        return new RunRecord(schemaVersion, runId, status, config, facts, environment, process, epochs, finalMetrics,
                wallTimeSeconds, startedAt, Instant.now().toString(), finishedAt, new ArrayList<>(byName.values()));
    }

    /** The robustness entry called {@code name}, or null. */
    public @Nullable RobustnessRecord robustness(String name) {
        for (RobustnessRecord r : robustness) if (r.name().equals(name)) return r;
        return null;
    }

    public RunRecord withEpoch(EpochRecord e, double wallTime) {
        List<EpochRecord> list = new ArrayList<>(epochs);
        list.add(e);
        return new RunRecord(schemaVersion, runId, status, config, facts, environment, process, list, finalMetrics,
                wallTime, startedAt, Instant.now().toString(), finishedAt, robustness);
    }

    /** This record with its last epoch replaced by {@code e} (the same epoch with more measurements). */
    public RunRecord withLastEpoch(EpochRecord e) {
        if (epochs.isEmpty() || epochs.get(epochs.size() - 1).epoch() != e.epoch()) {
            throw new IllegalArgumentException("epoch " + e.epoch() + " is not the record's last epoch");
        }
        List<EpochRecord> list = new ArrayList<>(epochs);
        list.set(list.size() - 1, e);
        return new RunRecord(schemaVersion, runId, status, config, facts, environment, process, list, finalMetrics,
                wallTimeSeconds, startedAt, Instant.now().toString(), finishedAt, robustness);
    }

    /**
     * This record running again in this process (a resumed run) from a checkpoint that had finished
     * {@code doneEpochs} after {@code wallTime} seconds of work.
     */
    public RunRecord resumed(List<EpochRecord> doneEpochs, double wallTime) {
        return new RunRecord(schemaVersion, runId, RUNNING, config, facts, environment, ProcessInfo.current(),
                doneEpochs, null, wallTime, startedAt, Instant.now().toString(), null, robustness);
    }

    public RunRecord finish(String newStatus, @Nullable FinalMetrics metrics, double wallTime, String at) {
        return new RunRecord(schemaVersion, runId, newStatus, config, facts, environment, null, epochs, metrics,
                wallTime, startedAt, at, at, robustness);
    }

    /** Best per-epoch test accuracy so far, or NaN with no epochs. */
    public double bestTestAccuracy() {
        return epochs.stream().mapToDouble(EpochRecord::testAccuracy).max().orElse(Double.NaN);
    }
}
