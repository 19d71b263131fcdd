package org.pnnlab.experiments.train;

import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.pnnlab.experiments.Progress;

/**
 * Where and how a run runs, as opposed to what it computes ({@link org.pnnlab.api.run.RunConfig}): none of this
 * changes a result, so none of it is part of the configuration or its hash.
 *
 * @param runsDir runs are saved under {@code runsDir/<experiment>/<run-id>/}
 * @param dataDir the data folder (null: {@code $PNN_DATA} or {@code ~/.pnn/data})
 * @param allowDownload whether missing data files may be downloaded
 * @param checkpointEvery the longest stretch of training between two checkpoints inside an epoch (every epoch end
 *     is one too)
 * @param progress the progress display
 */
public record Workspace(Path runsDir, @Nullable Path dataDir, boolean allowDownload, Duration checkpointEvery,
                        Progress progress) {
    /** Ten minutes between checkpoints inside an epoch. */
    public static final Duration DEFAULT_CHECKPOINT_EVERY = Duration.ofMinutes(10);

    public Workspace {
        if (checkpointEvery.isNegative() || checkpointEvery.isZero()) {
            throw new org.pnnlab.api.PnnException("--checkpoint-minutes must be > 0, got " + checkpointEvery.toSeconds() / 60.0);
        }
    }

    /** {@code runsDir}, the default data folder, downloads allowed, the default checkpoint interval, no progress. */
    public static Workspace of(Path runsDir) {
        return new Workspace(runsDir, null, true, DEFAULT_CHECKPOINT_EVERY, Progress.NONE);
    }

    public Workspace withProgress(Progress p) {
        return new Workspace(runsDir, dataDir, allowDownload, checkpointEvery, p);
    }

    public Workspace withCheckpointEvery(Duration d) {
        return new Workspace(runsDir, dataDir, allowDownload, d, progress);
    }

    public Workspace withDataDir(@Nullable Path d, boolean download) {
        return new Workspace(runsDir, d, download, checkpointEvery, progress);
    }
}
