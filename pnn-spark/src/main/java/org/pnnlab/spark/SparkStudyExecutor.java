package org.pnnlab.spark;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.ProcessInfo;
import org.pnnlab.experiments.study.CellLauncher;
import org.pnnlab.experiments.study.CellResult;
import org.pnnlab.experiments.study.CellSettings;
import org.pnnlab.experiments.study.CellStatus;
import org.pnnlab.experiments.study.ClusterStudyExecutor;
import org.pnnlab.experiments.study.Study;
import org.pnnlab.experiments.study.StudyCell;
import org.pnnlab.experiments.study.StudyPlan;
import org.pnnlab.experiments.study.StudyRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a study on Apache Spark: the driver (this JVM) checks the runs folder and the master, writes the study's
 * manifest, and parallelizes the cells that are not done, one partition and so one task per cell; each task runs its
 * cell with the local runner's {@link CellLauncher} (claim, status under the claim, child process) using the task's
 * cores ({@code spark.task.cpus}). A retried task finds its cell completed, or interrupted and resumable, or held by a
 * live attempt, and never starts a second run of it: the run folder is the content-hash one and the claim is atomic.
 * Speculative execution is switched off for the study's job: a speculative copy would find the claim held and end at
 * once, and Spark would then kill the attempt that is training.
 */
public final class SparkStudyExecutor implements ClusterStudyExecutor {
    private static final Logger LOG = LoggerFactory.getLogger(SparkStudyExecutor.class);

    private final CellHook hook;

    /** The service ({@code META-INF/services}). */
    public SparkStudyExecutor() {
        this(CellHook.NONE);
    }

    SparkStudyExecutor(CellHook hook) {
        this.hook = hook;
    }

    @Override
    public StudyRunner.Outcome run(Study study, CellSettings settings, String master, PrintStream out) {
        Path runs = settings.runsDir();
        Map<String, StudyCell> byId = study.cells().stream()
                .collect(Collectors.toMap(StudyCell::runId, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        int doneBefore = (int) study.cells().stream().filter(c -> c.status(runs) == CellStatus.DONE).count();
        List<CellReport> reports = runCells(study, settings, master, out);
        int started = 0;
        int alreadyDone = doneBefore;
        List<StudyCell> elsewhere = new ArrayList<>();
        Map<StudyCell, Path> failed = new LinkedHashMap<>();
        for (CellReport r : reports) {
            StudyCell c = byId.get(r.runId());
            switch (r.result()) {
                case RAN -> {
                    started++;
                    out.printf(Locale.ROOT, "done: %s (%s) in %s on %s%s%s%n", c.describe(), c.runId(),
                            StudyRunner.duration(r.seconds()), r.host(), attempt(r), StudyRunner.accuracy(c, runs));
                }
                case FAILED -> {
                    started++;
                    Path log = CellLauncher.logFile(runs, study.name(), c);
                    failed.put(c, log);
                    out.printf(Locale.ROOT, "failed: %s on %s%s: %s; log %s%n", c.describe(), r.host(), attempt(r),
                            StudyRunner.lastError(log), log);
                }
                case ALREADY_DONE -> alreadyDone++;
                case HELD_ELSEWHERE -> elsewhere.add(c);
            }
        }
        out.println(StudyPlan.summary(StudyPlan.statuses(study, runs)) + " (" + started + " run now"
                + (elsewhere.isEmpty() ? "" : ", " + elsewhere.size() + " held by another process") + ")");
        return new StudyRunner.Outcome(started, alreadyDone, elsewhere, failed);
    }

    private static String attempt(CellReport r) {
        return r.attempt() == 0 ? "" : " (task attempt " + (r.attempt() + 1) + ")";
    }

    /**
     * Checks the runs folder and the master (nothing is started when either fails), writes the manifest, runs the
     * cells that are not done as one Spark job, and returns one report per task, in grid order.
     */
    List<CellReport> runCells(Study study, CellSettings settings, String master, PrintStream out) {
        TaskCellSettings shipped = TaskCellSettings.of(settings);
        CellSettings absolute = shipped.cellSettings();
        StudyRunner.checkWritable(absolute.runsDir());
        try (JavaSparkContext sc = SparkMaster.connect("pnn study " + study.name(), master)) {
            StudyRunner.writeManifest(study, absolute.runsDir());
            List<CellTask> tasks = study.cells().stream().filter(c -> c.status(absolute.runsDir()) != CellStatus.DONE)
                    .map(c -> CellTask.of(study.name(), c)).toList();
            out.printf(Locale.ROOT, "study %s on Spark %s: %d cells, %d done, %d to run as %d tasks (spark.task.cpus=%s), "
                            + "runs in %s%n", study.name(), sc.master(), study.cells().size(),
                    study.cells().size() - tasks.size(), tasks.size(), tasks.size(),
                    sc.getConf().get("spark.task.cpus", "1"), absolute.runsDir());
            for (String note : study.notes()) out.println("note: " + note);
            if (tasks.isEmpty()) return List.of();
            CellHook after = hook;
            JavaFutureAction<List<CellReport>> job = sc.parallelize(tasks, tasks.size())
                    .map(t -> runTask(t, shipped, after)).collectAsync();
            return await(job, study, absolute.runsDir(), out);
        }
    }

    /** Waits for the job, printing the study's progress whenever the number of completed cells changes. */
    private static List<CellReport> await(JavaFutureAction<List<CellReport>> job, Study study, Path runs,
                                          PrintStream out) {
        long shown = -1;
        while (true) {
            try {
                return job.get(2, TimeUnit.SECONDS);
            } catch (TimeoutException running) {
                long done = StudyPlan.statuses(study, runs).stream().filter(s -> s == CellStatus.DONE).count();
                if (done != shown) {
                    out.printf(Locale.ROOT, "[%s] %d/%d done%n", study.name(), done, study.cells().size());
                    shown = done;
                }
            } catch (InterruptedException e) {
                job.cancel(true);
                Thread.currentThread().interrupt();
                throw new PnnException("interrupted; the study's Spark job was cancelled");
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                throw new PnnException("the Spark job of study " + study.name() + " failed: "
                        + String.valueOf(cause.getMessage()).lines().findFirst().orElse(cause.toString())
                        + "; completed cells are kept, run the study again for the others", cause);
            }
        }
    }

    /** The task: runs one cell on this executor with the task's cores, as the local runner would. */
    static CellReport runTask(CellTask task, TaskCellSettings settings, CellHook hook) {
        TaskContext ctx = TaskContext.get();
        int cores = ctx == null ? 1 : ctx.cpus();
        int attempt = ctx == null ? 0 : ctx.attemptNumber();
        StudyCell cell = task.cell();
        long t0 = System.nanoTime();
        LOG.info("cell {} ({}), task attempt {}, spark.task.cpus {}", cell.runId(), cell.describe(), attempt, cores);
        CellResult result = new CellLauncher(task.study(), settings.cellSettings(),
                CellLauncher.Resources.forThreads(cores)).runToEnd(cell);
        CellReport report = new CellReport(cell.runId(), result, attempt, ProcessInfo.current().host(),
                (System.nanoTime() - t0) / 1e9);
        hook.afterCell(report);
        return report;
    }
}
