package org.pnnlab.spark;

import java.io.Serializable;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.run.RunConfigJson;
import org.pnnlab.experiments.study.StudyCell;

/**
 * One study cell as shipped to a Spark task: the resolved configuration in its canonical JSON (the form
 * {@code pnn run --config} reads, so the executor's cell has the driver's run id) and the cell's axis labels.
 *
 * @param study the study's name (its claims and logs are kept under it)
 * @param configJson the cell's resolved configuration, {@link RunConfigJson#write}
 * @param arm the cell's arm
 * @param setting the cell's setting index
 * @param layer the layer entry's label
 * @param model the model arm's label, or null
 * @param condition the condition's label
 */
record CellTask(String study, String configJson, String arm, int setting, String layer, @Nullable String model, String condition)
        implements Serializable {

    static CellTask of(String study, StudyCell c) {
        return new CellTask(study, RunConfigJson.write(c.config()), c.arm(), c.setting(), c.layer(), c.model(), c.condition());
    }

    StudyCell cell() {
        return new StudyCell(arm, setting, layer, model, condition, RunConfigJson.parse(configJson, "cell of study " + study));
    }
}
