package org.pnnlab.experiments.study;

import java.io.PrintStream;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Runs a study's missing cells on a cluster instead of this machine's child processes, each cell by a
 * {@link CellLauncher} on some cluster node, so that the cells, claims and run records are those of the local
 * {@link StudyRunner}. The implementation (pnn-spark's) is a {@link ServiceLoader} service, present when its module is
 * on the class path: {@code pnn study run FILE --spark MASTER}.
 */
public interface ClusterStudyExecutor {
    /**
     * Runs the cells of {@code study} that are not done, on the cluster whose master is {@code master}. A master that
     * cannot be used is one {@link org.pnnlab.api.PnnException} line, thrown before any cell is started.
     */
    StudyRunner.Outcome run(Study study, CellSettings settings, String master, PrintStream out);

    /** The installed executor, if its module is on the class path. */
    static Optional<ClusterStudyExecutor> installed() {
        return ServiceLoader.load(ClusterStudyExecutor.class).findFirst();
    }
}
