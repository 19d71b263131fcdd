package org.pnnlab.experiments.study;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.AtomicFiles;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;
import org.pnnlab.api.study.StudyManifest;

/**
 * Runs a study's missing cells on this machine: completed cells are skipped, interrupted (or failed) ones resumed
 * from their checkpoint, the others started; up to {@code jobs} cells at once, each started by a {@link CellLauncher}
 * (claimed, then a child process with an equal share of the cores). The manifest is written first.
 */
public final class StudyRunner {
    /**
     * How the cells run on this machine.
     *
     * @param cells how each cell runs (runs folder, data, checkpoints)
     * @param jobs cells run at once, &ge; 1, each a child process with an equal share of the cores
     */
    public record Settings(CellSettings cells, int jobs) {
        public Settings {
            if (jobs < 1) throw new PnnException("--jobs must be at least 1 (cells run at once), got " + jobs);
        }

        public static Settings of(Path runsDir, int jobs) {
            return new Settings(CellSettings.of(runsDir), jobs);
        }

        public Path runsDir() {
            return cells.runsDir();
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

    /** Checks that the runs folder is writable, then writes the manifest; nothing is started before this succeeds. */
    public void prepare() {
        checkWritable(settings.runsDir());
        writeManifest(study, settings.runsDir());
    }

    /** Creates {@code runs} if needed and checks that a file can be written there; one clear line if not. */
    public static void checkWritable(Path runs) {
        try {
            Files.createDirectories(runs);
            Files.deleteIfExists(Files.createTempFile(runs, ".pnn-write-check", ".tmp"));
        } catch (IOException | UnsupportedOperationException e) {
            throw new PnnException("the runs folder " + runs + " is not writable (" + e + "); choose another with "
                    + "--runs-dir DIR");
        }
    }

    /** Writes {@code study}'s manifest ({@code <runs>/studies/<name>.json}), which the report reads. */
    public static void writeManifest(Study study, Path runs) {
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
        CellLauncher.Resources share = CellLauncher.Resources.shareOf(settings.jobs());
        CellLauncher launcher = new CellLauncher(study.name(), settings.cells(), share);
        Map<StudyCell, CellLauncher.CellProcess> running = new java.util.concurrent.ConcurrentHashMap<>(); // the stop hook reads it too
        List<StudyCell> elsewhere = new ArrayList<>();
        Map<StudyCell, Path> failed = new LinkedHashMap<>();
        int started = 0;
        int finishedNow = 0;
        long t0 = System.nanoTime();
        // Ctrl-C or kill: the children are stopped (their records say interrupted) and the claims released
        Thread hook = new Thread(() -> List.copyOf(running.values()).forEach(CellLauncher.CellProcess::stopAndRelease),
                "pnn-study-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        out.printf(Locale.ROOT, "study %s: %d cells, %d done, %d to run, %d at once (%d threads each)%n", study.name(),
                study.cells().size(), alreadyDone, queue.size(), settings.jobs(), share.threads());
        for (String note : study.notes()) out.println("note: " + note);
        String shown = "";
        try {
            while (!queue.isEmpty() || !running.isEmpty()) {
                while (running.size() < settings.jobs() && !queue.isEmpty()) {
                    StudyCell c = queue.poll();
                    CellLauncher.Launch launch = launcher.start(c);
                    if (launch instanceof CellLauncher.Launch.Started s) {
                        running.put(c, s.process());
                        started++;
                        clearLine();
                        out.printf(Locale.ROOT, "%s: %s (%s)%n", s.resumed() ? "resuming" : "starting", c.describe(),
                                c.runId());
                    } else if (((CellLauncher.Launch.Skipped) launch).result() == CellResult.HELD_ELSEWHERE) {
                        elsewhere.add(c);
                    } else {
                        alreadyDone++;
                    }
                }
                for (var it = running.entrySet().iterator(); it.hasNext(); ) {
                    var e = it.next();
                    CellLauncher.CellProcess ch = e.getValue();
                    if (ch.isAlive()) continue;
                    it.remove();
                    finishedNow++;
                    StudyCell c = e.getKey();
                    if (ch.finish(settings.runsDir()) == CellResult.RAN) {
                        clearLine();
                        out.printf(Locale.ROOT, "done: %s (%s) in %s%s%n", c.describe(), c.runId(),
                                duration(ch.seconds()), accuracy(c, settings.runsDir()));
                    } else {
                        failed.put(c, ch.log());
                        clearLine();
                        out.printf(Locale.ROOT, "failed: %s (exit %d): %s; log %s%n", c.describe(),
                                ch.exitValue(), lastError(ch.log()), ch.log());
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
            List.copyOf(running.values()).forEach(CellLauncher.CellProcess::stopAndRelease);
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

    private String progress(int done, Map<StudyCell, CellLauncher.CellProcess> running, int queued, int finishedNow, long t0) {
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

    /** {@code , test accuracy 97.20%} of a completed cell, for its "done" line. */
    public static String accuracy(StudyCell c, Path runsDir) {
        RunRecord r = RunStore.read(c.runDir(runsDir).resolve(RunStore.RUN_JSON));
        return r.finalMetrics() == null ? "" : String.format(Locale.ROOT, ", test accuracy %.2f%%",
                100 * r.finalMetrics().testAccuracy());
    }

    /** The last error line of a cell's log, for its "failed" line. */
    public static String lastError(Path log) {
        try (Stream<String> lines = Files.lines(log)) {
            return lines.filter(l -> l.startsWith("error:") || l.startsWith("internal error:"))
                    .reduce((a, b) -> b).orElse("see the log");
        } catch (IOException | UncheckedIOException e) {
            return "see the log";
        }
    }

    public static String duration(double seconds) {
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
}
