package org.pnnlab.api.study;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a study runner writes beside the runs ({@code <runs>/studies/<name>.json}) so that the report can answer the
 * study's question: its name, the baseline arm every other arm is compared with, and the cells (one run each) with
 * their arm and setting. Everything else about a cell (its layer, condition, seed, configuration hash) is in the
 * cell's own run record.
 *
 * @param name the study's name (its file name without the extension)
 * @param file the study file it was made from, as given
 * @param baseline the label of the arm the others are compared with (in manifests written before arms were
 *     recorded: a layer id)
 * @param cells every cell, in grid order
 */
public record StudyManifest(String name, String file, String baseline, List<Cell> cells) {
    /** Folder under the runs folder where manifests are written. */
    public static final String FOLDER = "studies";

    public StudyManifest {
        cells = List.copyOf(cells);
    }

    /**
     * One cell: the run's experiment and id (its folder is {@code <runs>/<experiment>/<runId>}), the arm it belongs to
     * and its setting. Arms are what the study compares: a layer entry of the study file, named by its label (two
     * entries may share a layer id and differ in parameters), or an experiment where the study has several. Cells of
     * one setting differ only in their arm and seed.
     *
     * @param arm the arm's label; null in manifests written before arms were recorded (the run's layer id then)
     * @param setting the index of the cell's setting (its model and condition entries) in the study's grid; null in
     *     manifests written before settings were recorded
     */
    public record Cell(String experiment, String runId, @Nullable String arm, @Nullable Integer setting) {
    }

    /** Where the manifest of study {@code name} lives under {@code runsDir}. */
    public static Path path(Path runsDir, String name) {
        return runsDir.resolve(FOLDER).resolve(name + ".json");
    }
}
