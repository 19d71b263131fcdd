package org.pnnlab.api.study;

import java.nio.file.Path;
import java.util.List;

/**
 * What a study runner writes beside the runs ({@code <runs>/studies/<name>.json}) so that the report can answer the
 * study's question: its name, the baseline layer every other layer is compared with, and the cells (one run each).
 * Everything else about a cell (its layer, condition, seed, configuration hash) is in the cell's own run record.
 *
 * @param name the study's name (its file name without the extension)
 * @param file the study file it was made from, as given
 * @param baseline the id of the layer the others are compared with
 * @param cells the run id of every cell, in grid order
 */
public record StudyManifest(String name, String file, String baseline, List<Cell> cells) {
    /** Folder under the runs folder where manifests are written. */
    public static final String FOLDER = "studies";

    public StudyManifest {
        cells = List.copyOf(cells);
    }

    /**
     * One cell: the run's experiment and id (its folder is {@code <runs>/<experiment>/<runId>}).
     */
    public record Cell(String experiment, String runId) {
    }

    /** Where the manifest of study {@code name} lives under {@code runsDir}. */
    public static Path path(Path runsDir, String name) {
        return runsDir.resolve(FOLDER).resolve(name + ".json");
    }
}
