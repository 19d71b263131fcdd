package org.pnnlab.experiments.study;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;

/**
 * One cell of a study's grid: a resolved configuration (so its run id is final) and the axis values it came from.
 *
 * @param arm the label of the cell's arm ({@link Study#armLabel}): what the report compares with the baseline arm
 * @param setting the index of the cell's setting (its model and condition entries) in the grid: cells of one setting
 *     and seed are compared across arms
 * @param layer the layer entry's label
 * @param model the model entry's label, or null when the study has no models axis
 * @param condition the condition's label ({@code clean}, {@code sym-noise 40%}, ...)
 * @param config the resolved configuration
 */
public record StudyCell(String arm, int setting, String layer, @Nullable String model, String condition,
                        RunConfig config) {

    public String experiment() {
        return config.experiment();
    }

    public long seed() {
        return config.seed();
    }

    public String runId() {
        return config.runId();
    }

    /** The cell's run folder: {@code <runsDir>/<experiment>/<runId>}. */
    public Path runDir(Path runsDir) {
        return runsDir.resolve(config.experiment()).resolve(config.runId());
    }

    /** Where the cell stands in {@code runsDir}. */
    public CellStatus status(Path runsDir) {
        Path json = runDir(runsDir).resolve(RunStore.RUN_JSON);
        if (!Files.isRegularFile(json)) return CellStatus.NOT_STARTED;
        return switch (RunStore.read(json).effectiveStatus()) {
            case RunRecord.COMPLETED -> CellStatus.DONE;
            case RunRecord.RUNNING -> CellStatus.RUNNING;
            case RunRecord.FAILED -> CellStatus.FAILED;
            default -> CellStatus.INTERRUPTED;
        };
    }

    /** The axis values, for messages: {@code layer=conv, condition=clean, seed=1}. */
    public String describe() {
        return "experiment=" + experiment() + (model != null ? ", model=" + model : "") + ", layer=" + layer
                + ", condition=" + condition + ", seed=" + seed();
    }
}
