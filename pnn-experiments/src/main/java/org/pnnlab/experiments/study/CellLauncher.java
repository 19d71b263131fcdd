package org.pnnlab.experiments.study;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.AtomicFiles;
import org.pnnlab.api.run.RunConfigJson;
import org.pnnlab.api.study.StudyManifest;
import org.pnnlab.experiments.cli.PnnCli;
import org.pnnlab.experiments.train.Checkpoint;

/**
 * Runs one study cell the one way cells are run, by the local {@link StudyRunner} and by a cluster's task alike: the
 * cell is {@linkplain CellClaim claimed}, its status read again under the claim (completed: nothing to do; running
 * under another process: left to it), and then a child process started:
 * {@code java -cp <class path> PnnCli run --config <cell.json>}, or {@code resume <run folder>} when it was
 * interrupted after a checkpoint. The child gets its own cores and heap ({@link Resources}), writes its output to
 * {@code <runs>/studies/<study>/logs/<run-id>.log}, and its run folder is the content-hash one, so a cell started
 * twice is one run folder.
 */
public final class CellLauncher {
    /**
     * What one child gets.
     *
     * @param threads the BLAS/OpenMP threads (its share of the cores), &ge; 1
     * @param heapMb its maximum heap in MiB, &ge; 256
     */
    public record Resources(int threads, long heapMb) {
        public Resources {
            if (threads < 1) throw new PnnException("a cell needs at least one thread, got " + threads);
            if (heapMb < 256) throw new PnnException("a cell needs at least 256 MiB of heap, got " + heapMb);
        }

        /** One of {@code jobs} equal shares of this machine: its cores split evenly, a quarter of its memory split too. */
        public static Resources shareOf(int jobs) {
            if (jobs < 1) throw new PnnException("--jobs must be at least 1 (cells run at once), got " + jobs);
            long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getTotalMemorySize();
            return new Resources(Math.max(1, Runtime.getRuntime().availableProcessors() / jobs),
                    Math.max(512, physical / (4L * jobs) >> 20));
        }

        /** The share of this machine of a cell given {@code threads} cores (a cluster task's cores). */
        public static Resources forThreads(int threads) {
            Resources share = shareOf(Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, threads)));
            return new Resources(threads, share.heapMb());
        }
    }

    /** The outcome of {@link #start}: a started child, or why none was started. */
    public sealed interface Launch {
        /** A child is running the cell (resuming it when {@code resumed}). */
        record Started(CellProcess process, boolean resumed) implements Launch {
        }

        /** Nothing started: {@link CellResult#ALREADY_DONE} or {@link CellResult#HELD_ELSEWHERE}. */
        record Skipped(CellResult result) implements Launch {
        }
    }

    /** A running cell: its child process, the claim it holds, its log. */
    public static final class CellProcess {
        private final StudyCell cell;
        private final Process process;
        private final CellClaim claim;
        private final Path log;
        private final long startNanos = System.nanoTime();

        private CellProcess(StudyCell cell, Process process, CellClaim claim, Path log) {
            this.cell = cell;
            this.process = process;
            this.claim = claim;
            this.log = log;
        }

        public boolean isAlive() {
            return process.isAlive();
        }

        public Path log() {
            return log;
        }

        public double seconds() {
            return (System.nanoTime() - startNanos) / 1e9;
        }

        /** Once the child has exited: releases the claim and tells whether the cell completed. */
        public CellResult finish(Path runsDir) {
            claim.close();
            LIVE.remove(this);
            return process.exitValue() == 0 && cell.status(runsDir) == CellStatus.DONE ? CellResult.RAN
                    : CellResult.FAILED;
        }

        public int exitValue() {
            return process.exitValue();
        }

        /** Stops the child (SIGTERM: its record says interrupted), waits for it a while, releases the claim. */
        public void stopAndRelease() {
            if (process.isAlive()) process.destroy();
            try {
                process.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            claim.close();
            LIVE.remove(this);
        }
    }

    /** The children started by {@link #runToEnd} in this JVM, stopped when it exits (a cluster executor's). */
    private static final Set<CellProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(LIVE).forEach(CellProcess::stopAndRelease),
                "pnn-cells-stop"));
    }

    private final String study;
    private final CellSettings settings;
    private final Resources resources;

    public CellLauncher(String study, CellSettings settings, Resources resources) {
        this.study = study;
        this.settings = settings;
        this.resources = resources;
    }

    /** Claims {@code c} and starts its child, or says why not. */
    public Launch start(StudyCell c) {
        Path runs = settings.runsDir();
        Optional<CellClaim> claim = CellClaim.tryAcquire(CellClaim.path(runs, c), study);
        if (claim.isEmpty()) return new Launch.Skipped(CellResult.HELD_ELSEWHERE);
        CellStatus status = c.status(runs); // again, now that nobody else can change it
        if (status == CellStatus.DONE) {
            claim.get().close();
            return new Launch.Skipped(CellResult.ALREADY_DONE);
        }
        if (status == CellStatus.RUNNING) { // a 'pnn run' of the same configuration, or an orphaned child
            claim.get().close();
            return new Launch.Skipped(CellResult.HELD_ELSEWHERE);
        }
        Path dir = c.runDir(runs);
        Path work = runs.resolve(StudyManifest.FOLDER).resolve(study);
        Path log = logFile(runs, study, c);
        List<String> cmd = new ArrayList<>(javaCommand());
        boolean resume = (status == CellStatus.INTERRUPTED || status == CellStatus.FAILED)
                && Files.isRegularFile(dir.resolve(Checkpoint.STATE));
        try {
            Files.createDirectories(log.getParent());
            if (resume) {
                cmd.addAll(List.of("resume", dir.toString()));
            } else {
                if (status != CellStatus.NOT_STARTED) deleteTree(dir); // stopped before its first checkpoint: nothing to keep
                Path cellJson = work.resolve("cells").resolve(c.runId() + ".json");
                AtomicFiles.writeString(cellJson, RunConfigJson.write(c.config()) + "\n");
                cmd.addAll(List.of("run", "--config", cellJson.toString(), "--runs-dir", runs.toString()));
            }
            cmd.addAll(List.of("--checkpoint-minutes", Double.toString(settings.checkpointMinutes())));
            if (settings.dataDir() != null) cmd.addAll(List.of("--data-dir", settings.dataDir().toString()));
            if (!settings.allowDownload()) cmd.add("--no-download");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            threadEnvironment(pb.environment(), resources.threads());
            return new Launch.Started(new CellProcess(c, pb.start(), claim.get(), log), resume);
        } catch (IOException | RuntimeException e) {
            claim.get().close();
            throw e instanceof IOException io ? new UncheckedIOException("could not start cell " + c.runId(), io)
                    : (RuntimeException) e;
        }
    }

    /** Where the output of {@code c}'s child goes: {@code <runs>/studies/<study>/logs/<run-id>.log}. */
    public static Path logFile(Path runsDir, String study, StudyCell c) {
        return runsDir.resolve(StudyManifest.FOLDER).resolve(study).resolve("logs").resolve(c.runId() + ".log");
    }

    /**
     * Starts {@code c} and waits for it to end. Interrupted (a cancelled task), the child is stopped and the claim
     * released before the {@link PnnException} is thrown; the JVM's exit stops it too.
     */
    public CellResult runToEnd(StudyCell c) {
        Launch launch = start(c);
        if (launch instanceof Launch.Skipped skipped) return skipped.result();
        CellProcess p = ((Launch.Started) launch).process();
        LIVE.add(p);
        try {
            p.process.waitFor();
        } catch (InterruptedException e) {
            p.stopAndRelease();
            Thread.currentThread().interrupt();
            throw new PnnException("interrupted while running cell " + c.runId());
        }
        return p.finish(settings.runsDir());
    }

    /** {@code java} with the framework's class path, the child's heap and its BLAS threads. */
    private List<String> javaCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + resources.heapMb() + "m");
        cmd.add("-Dorg.bytedeco.openblas.nthreads=" + resources.threads());
        String extra = System.getenv("PNN_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) cmd.addAll(List.of(extra.trim().split("\\s+")));
        cmd.addAll(List.of("-cp", childClassPath(), PnnCli.class.getName()));
        return cmd;
    }

    /**
     * The class path a child needs: this JVM's when the framework is on it (the pnn launcher, a test, Spark's local
     * mode); otherwise the framework was loaded by another class loader from one jar, the jar {@code spark-submit}
     * shipped to a cluster's driver and executors, which holds everything a cell needs.
     */
    static String childClassPath() {
        if (PnnCli.class.getClassLoader() == ClassLoader.getSystemClassLoader()) {
            return System.getProperty("java.class.path");
        }
        try {
            return Path.of(PnnCli.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException | RuntimeException e) {
            throw new PnnException("cannot tell which jar holds the framework (" + e.getMessage() + "); run the study "
                    + "from the pnn-spark assembly jar");
        }
    }

    /**
     * The thread settings ND4J honours: OpenMP ({@code OMP_NUM_THREADS}, read by libnd4j), libnd4j's own
     * {@code SD_MAX_THREADS}/{@code SD_MASTER_THREADS}, and OpenBLAS's (also set by the system property
     * {@code org.bytedeco.openblas.nthreads}); waiting threads sleep rather than spin.
     */
    static void threadEnvironment(Map<String, String> env, int threads) {
        String n = Integer.toString(threads);
        for (String k : List.of("OMP_NUM_THREADS", "SD_MAX_THREADS", "SD_MASTER_THREADS", "OPENBLAS_NUM_THREADS",
                "MKL_NUM_THREADS")) {
            env.put(k, n);
        }
        env.putIfAbsent("OMP_WAIT_POLICY", "PASSIVE");
        env.putIfAbsent("MALLOC_ARENA_MAX", "2");
        env.put("PNN_PROGRESS", "log");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
