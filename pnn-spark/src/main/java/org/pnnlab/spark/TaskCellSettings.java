package org.pnnlab.spark;

import java.io.Serializable;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.pnnlab.experiments.study.CellSettings;

/** {@link CellSettings} as shipped to the tasks ({@link Path} is not serializable): absolute paths as strings. */
record TaskCellSettings(String runsDir, @Nullable String dataDir, boolean allowDownload, double checkpointMinutes)
        implements Serializable {

    /** The driver's settings, with its folders made absolute: an executor's working directory is another one. */
    static TaskCellSettings of(CellSettings s) {
        return new TaskCellSettings(s.runsDir().toAbsolutePath().normalize().toString(),
                s.dataDir() == null ? null : s.dataDir().toAbsolutePath().normalize().toString(), s.allowDownload(),
                s.checkpointMinutes());
    }

    CellSettings cellSettings() {
        return new CellSettings(Path.of(runsDir), dataDir == null ? null : Path.of(dataDir), allowDownload,
                checkpointMinutes);
    }
}
