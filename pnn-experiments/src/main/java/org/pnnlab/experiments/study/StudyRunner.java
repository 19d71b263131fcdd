package org.pnnlab.experiments.study;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.AtomicFiles;
import org.pnnlab.api.run.RunConfigJson;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;
import org.pnnlab.api.study.StudyManifest;
import org.pnnlab.experiments.cli.PnnCli;
import org.pnnlab.experiments.train.Checkpoint;

/**
 * Runs a study's missing cells on this machine: completed cells are skipped, interrupted (or failed) ones resumed
 * from their checkpoint, the others started; up to {@code jobs} cells at once, each as a child process
 * ({@code java -cp <this class path> PnnCli run --config <cell.json>} or {@code resume <run folder>}) that gets an
 * equal share of the cores. Each cell is {@linkplain CellClaim claimed} before it runs. The manifest is written first.
 */
public final class StudyRunner {
    /**
     * Where and how the cells run; none of it changes a result.
     *
     * @param runsDir the runs folder
     * @param jobs cells run at once, &ge; 1
     * @param dataDir the data folder of the children (null: their default)
     * @param allowDownload whether the children may download missing data
     * @param checkpointMinutes the children's {@code --checkpoint-minutes}
     */
    public record Settings(Path runsDir, int jobs, @Nullable Path dataDir, boolean allowDownload,
                           double checkpointMinutes) {
        public Settings {
            if (jobs < 1) throw new PnnException("--jobs must be at least 1 (cells run at once), got " + jobs);
            if (!(checkpointMinutes > 0) || Double.isInfinite(checkpointMinutes)) {
                throw new PnnException("--checkpoint-minutes must be > 0, got " + checkpointMinutes);
            }
        }

        public static Settings of(Path runsDir, int jobs) {
            return new Settings(runsDir, jobs, null, true, 10);
        }
    }

    /** What a study run did: cells run now, found done, left to other runners, and failed (with their logs). */
    public record Outcome(int started, int alreadyDone, List<StudyCell> elsewhere, Map<StudyCell, Path> failed) {
    }

    private final Study study;
    private final Settings settings;
    private final PrintStream out;
    private final boolean terminal;

    public StudyRunner(Study study, Settings settings, PrintStream out, boolean terminal) {
        this.study = study;
        this.settings = settings;
        this.out = out;
        this.terminal = terminal;
    }

    /** The cores each child gets: the available processors split evenly, at least one. */
    public static int threadsPerJob(int jobs) {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / jobs);
    }

    /** Checks that the runs folder is writable, then writes the manifest; nothing is started before this succeeds. */
    public void prepare() {
        Path runs = settings.runsDir();
        try {
            Files.createDirectories(runs);
            Files.deleteIfExists(Files.createTempFile(runs, ".pnn-write-check", ".tmp"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new PnnException("the runs folder " + runs + " is not writable (" + e + "); choose another with "
                    + "--runs-dir DIR");
        }
        try {
            String json = RunStore.mapper().writeValueAsString(study.manifest());
            AtomicFiles.writeString(StudyManifest.path(runs, study.name()), json + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the missing cells; returns when every cell this runner could claim has stopped. */
    public Outcome run() {
        prepare();
        Deque<StudyCell> queue = new ArrayDeque<>();
        int alreadyDone = 0;
        for (StudyCell c : study.cells()) {
            if (c.status(settings.runsDir()) == CellStatus.DONE) alreadyDone++;
            else queue.add(c);
        }
        Map<StudyCell, Child> running = new java.util.concurrent.ConcurrentHashMap<>(); // the stop hook reads it too
        List<StudyCell> elsewhere = new ArrayList<>();
        Map<StudyCell, Path> failed = new LinkedHashMap<>();
        int started = 0;
        int finishedNow = 0;
        long t0 = System.nanoTime();
        // Ctrl-C or kill: the children are stopped (their records say interrupted) and the claims released
        Thread hook = new Thread(() -> List.copyOf(running.values()).forEach(Child::stopAndRelease), "pnn-study-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf(Locale.ROOT, "study %s: %d cells, %d done, %d to run, %d at once (%d threads each)%n", study.name(),
                study.cells().size(), alreadyDone, queue.size(), settings.jobs(), threadsPerJob(settings.jobs()));
        for (String note : study.notes()) out.println("note: " + note);
        String shown = "";
        try {
            while (!queue.isEmpty() || !running.isEmpty()) {
                while (running.size() < settings.jobs() && !queue.isEmpty()) {
                    StudyCell c = queue.poll();
                    Optional<Child> child = launch(c, elsewhere);
                    if (child.isPresent()) {
                        running.put(c, child.get());
                        started++;
                    } else if (!elsewhere.contains(c)) {
                        alreadyDone++;
                    }
                }
                for (var it = running.entrySet().iterator(); it.hasNext(); ) {
                    var e = it.next();
                    Child ch = e.getValue();
                    if (ch.process.isAlive()) continue;
                    it.remove();
                    ch.claim.close();
                    finishedNow++;
                    StudyCell c = e.getKey();
                    if (ch.process.exitValue() == 0 && c.status(settings.runsDir()) == CellStatus.DONE) {
                        clearLine();
                        out.printf(Locale.ROOT, "done: %s (%s) in %s%s%n", c.describe(), c.runId(),
                                duration((System.nanoTime() - ch.startNanos) / 1e9), accuracy(c));
                    } else {
                        failed.put(c, ch.log);
                        clearLine();
                        out.printf(Locale.ROOT, "failed: %s (exit %d): %s; log %s%n", c.describe(),
                                ch.process.exitValue(), lastError(ch.log), ch.log);
                    }
                }
                String line = progress(alreadyDone + finishedNow - failed.size(), running, queue.size(), finishedNow, t0);
                if (terminal) {
                    out.print("\r" + line + "\u001b[K");
                    out.flush();
                } else if (!line.replaceAll(", eta .*", "").equals(shown)) {
                    out.println(line);
                    shown = line.replaceAll(", eta .*", "");
                }
                if (!running.isEmpty()) sleep();
            }
        } finally {
            List.copyOf(running.values()).forEach(Child::stopAndRelease);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
        clearLine();
        out.println(StudyPlan.summary(StudyPlan.statuses(study, settings.runsDir())) + " (" + started
                + " run now" + (elsewhere.isEmpty() ? "" : ", " + elsewhere.size() + " held by another process") + ")");
        return new Outcome(started, alreadyDone, elsewhere, failed);
    }

    private void clearLine() {
        if (terminal) out.print("\r\u001b[K");
    }

    /** Claims {@code c} and starts its child; empty when another process holds it or it turned out done. */
    private Optional<Child> launch(StudyCell c, List<StudyCell> elsewhere) {
        Path runs = settings.runsDir();
        Optional<CellClaim> claim = CellClaim.tryAcquire(CellClaim.path(runs, c), study.name());
        if (claim.isEmpty()) {
            elsewhere.add(c);
            return Optional.empty();
        }
        CellStatus status = c.status(runs); // again, now that nobody else can change it
        if (status == CellStatus.DONE) {
            claim.get().close();
            return Optional.empty();
        }
        if (status == CellStatus.RUNNING) { // a 'pnn run' of the same configuration, outside any study
            claim.get().close();
            elsewhere.add(c);
            return Optional.empty();
        }
        Path dir = c.runDir(runs);
        Path work = runs.resolve(StudyManifest.FOLDER).resolve(study.name());
        Path log = work.resolve("logs").resolve(c.runId() + ".log");
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
            threadEnvironment(pb.environment(), threadsPerJob(settings.jobs()));
            Process p = pb.start();
            clearLine();
            out.printf(Locale.ROOT, "%s: %s (%s)%n", resume ? "resuming" : "starting", c.describe(), c.runId());
            return Optional.of(new Child(p, claim.get(), log, System.nanoTime()));
        } catch (IOException | RuntimeException e) {
            claim.get().close();
            throw e instanceof IOException io ? new UncheckedIOException("could not start cell " + c.runId(), io)
                    : (RuntimeException) e;
        }
    }

    /** {@code java} with this JVM's class path, a share of the memory, and the child's BLAS threads. */
    private List<String> javaCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        long heapMb = Math.max(512, physical / (4L * settings.jobs()) >> 20);
        cmd.add("-Xmx" + heapMb + "m");
        cmd.add("-Dorg.bytedeco.openblas.nthreads=" + threadsPerJob(settings.jobs()));
        String extra = System.getenv("PNN_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) cmd.addAll(List.of(extra.trim().split("\\s+")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PnnCli.class.getName()));
        return cmd;
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

    private String progress(int done, Map<StudyCell, Child> running, int queued, int finishedNow, long t0) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "[%s] %d/%d done", study.name(), done,
                study.cells().size()));
        double fractions = 0;
        List<String> parts = new ArrayList<>();
        for (StudyCell c : running.keySet()) {
            int epochs = c.config().optim().epochs();
            int completed = epochsDone(c);
            fractions += (double) completed / epochs;
            parts.add(c.layer() + (c.model() != null ? "/" + c.model() : "") + " " + c.condition() + " s" + c.seed()
                    + " epoch " + Math.min(completed + 1, epochs) + "/" + epochs);
        }
        if (!parts.isEmpty()) sb.append("; running: ").append(String.join(", ", parts));
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double rate = (finishedNow + fractions) / elapsed;
        if (rate > 0) sb.append(", eta ").append(duration((queued + running.size() - fractions) / rate));
        return sb.toString();
    }

    private int epochsDone(StudyCell c) {
        Path json = c.runDir(settings.runsDir()).resolve(RunStore.RUN_JSON);
        try {
            return Files.isRegularFile(json) ? RunStore.read(json).epochs().size() : 0;
        } catch (PnnException e) {
            return 0; // being rewritten
        }
    }

    private String accuracy(StudyCell c) {
        RunRecord r = RunStore.read(c.runDir(settings.runsDir()).resolve(RunStore.RUN_JSON));
        return r.finalMetrics() == null ? "" : String.format(Locale.ROOT, ", test accuracy %.2f%%",
                100 * r.finalMetrics().testAccuracy());
    }

    private static String lastError(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.startsWith("error:") || l.startsWith("internal error:"))
                    .reduce((a, b) -> b).orElse("see the log");
        } catch (IOException | UncheckedIOException e) {
            return "see the log";
        }
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }

    private static void sleep() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PnnException("interrupted");
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    private record Child(Process process, CellClaim claim, Path log, long startNanos) {
        void stop() {
            if (process.isAlive()) process.destroy();
        }

        void stopAndRelease() {
            stop();
            try {
                process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            claim.close();
        }
    }
}
