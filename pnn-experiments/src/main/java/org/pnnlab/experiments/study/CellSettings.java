package org.pnnlab.experiments.study;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.PnnException;

/**
 * How each cell of a study is run, wherever it runs (a local study runner or a cluster's task); none of it changes a
 * result.
 *
 * @param runsDir the runs folder (on a cluster: one folder every executor sees)
 * @param dataDir the data folder of the cells (null: their default)
 * @param allowDownload whether the cells may download missing data
 * @param checkpointMinutes the cells' {@code --checkpoint-minutes}
 */
public record CellSettings(Path runsDir, @Nullable Path dataDir, boolean allowDownload, double checkpointMinutes) {
    public CellSettings {
        if (!(checkpointMinutes > 0) || Double.isInfinite(checkpointMinutes)) {
            throw new PnnException("--checkpoint-minutes must be > 0, got " + checkpointMinutes);
        }
    }

    /** Cells in {@code runsDir} with the default data folder, downloads allowed, a checkpoint every 10 minutes. */
    public static CellSettings of(Path runsDir) {
        return new CellSettings(runsDir, null, true, 10);
    }
}
