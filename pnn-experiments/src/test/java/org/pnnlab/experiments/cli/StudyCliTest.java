package org.pnnlab.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;
import org.pnnlab.api.study.StudyManifest;

/** {@code pnn study plan|run} on tiny grids of the bundled MNIST subset, cells trained by real child processes. */
class StudyCliTest {
    /** Two cells: conv vs perturbation, 256 images, 2 epochs, 8 filters. */
    private static final String GRID = """
            experiment: mnist-lenet-conv
            overrides:
              data: {dataset: mnist-subset, trainLimit: 256}
              optim: {epochs: 2}
              model: {options: {nfilters: 8}}
            layers: [{id: conv}, {id: perturbation, first: {id: conv}}]
            baseline: conv
            seeds: [1]
            """;

    private static CliTest.Result cli(String... args) {
        return CliTest.cli(args);
    }

    private static Path study(Path tmp, String yaml) throws IOException {
        return study(tmp, "tiny.yaml", yaml);
    }

    private static Path study(Path tmp, String name, String yaml) throws IOException {
        Path f = tmp.resolve(name);
        Files.writeString(f, yaml);
        return f;
    }

    private static CliTest.Result run(Path file, Path runs, String... more) {
        List<String> a = new ArrayList<>(List.of("study", "run", file.toString(), "--runs-dir", runs.toString(),
                "--no-download"));
        a.addAll(List.of(more));
        return cli(a.toArray(String[]::new));
    }

    private static List<Path> runFolders(Path runs) throws IOException {
        if (!Files.isDirectory(runs.resolve("mnist-lenet-conv"))) return List.of();
        try (Stream<Path> s = Files.list(runs.resolve("mnist-lenet-conv"))) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    @Test
    void planThenRunThenRunAgainStartsNothing(@TempDir Path tmp) throws IOException {
        Path file = study(tmp, GRID);
        Path runs = tmp.resolve("runs");
        CliTest.Result plan = cli("study", "plan", file.toString(), "--runs-dir", runs.toString());
        assertEquals(0, plan.code(), plan.err());
        assertTrue(plan.out().contains("study tiny (" + file + "): 2 cells, baseline arm conv"), plan.out());
        assertTrue(plan.out().contains("EXPERIMENT        LAYER         CONDITION  SEED  RUN ID"), plan.out());
        assertTrue(plan.out().matches("(?s).*mnist-lenet-conv  perturbation  clean      1     "
                + "mnist-lenet-conv-perturbation-[0-9a-f]{8}-s1  not started\n.*"), plan.out());
        assertTrue(plan.out().endsWith("0 of 2 cells done (2 not started)\n"), plan.out());
        assertFalse(Files.exists(runs), "plan writes nothing");

        CliTest.Result first = run(file, runs);
        assertEquals(0, first.code(), first.out() + first.err());
        assertTrue(first.out().contains("2 of 2 cells done (2 run now)"), first.out());
        List<Path> folders = runFolders(runs);
        assertEquals(2, folders.size());
        List<String> updated = new ArrayList<>();
        for (Path f : folders) {
            RunRecord r = RunStore.read(f.resolve(RunStore.RUN_JSON));
            assertEquals(RunRecord.COMPLETED, r.status());
            updated.add(r.updatedAt());
        }
        StudyManifest m = RunStore.mapper().readValue(StudyManifest.path(runs, "tiny").toFile(), StudyManifest.class);
        assertEquals("conv", m.baseline());
        assertEquals(folders.stream().map(p -> p.getFileName().toString()).sorted().toList(),
                m.cells().stream().map(StudyManifest.Cell::runId).sorted().toList());
        try (Stream<Path> s = Files.list(runs.resolve("mnist-lenet-conv"))) {
            assertTrue(s.noneMatch(p -> p.toString().endsWith(".claim")), "claims are released");
        }

        CliTest.Result second = run(file, runs);
        assertEquals(0, second.code(), second.err());
        assertTrue(second.out().contains("2 done, 0 to run"), second.out());
        assertTrue(second.out().contains("2 of 2 cells done (0 run now)"), second.out());
        assertFalse(second.out().contains("starting:"), second.out());
        assertEquals(folders, runFolders(runs));
        for (int i = 0; i < folders.size(); i++) {
            assertEquals(updated.get(i), RunStore.read(folders.get(i).resolve(RunStore.RUN_JSON)).updatedAt());
        }
        CliTest.Result planAfter = cli("study", "plan", file.toString(), "--runs-dir", runs.toString());
        assertTrue(planAfter.out().endsWith("2 of 2 cells done\n"), planAfter.out());

        // two jobs at once (one core each) produce the same runs, timing aside
        Path parallel = tmp.resolve("parallel");
        CliTest.Result two = run(file, parallel, "--jobs", "2");
        assertEquals(0, two.code(), two.out() + two.err());
        assertTrue(two.out().contains("2 at once (" + Math.max(1, Runtime.getRuntime().availableProcessors() / 2)
                + " threads each)"), two.out());
        List<Path> other = runFolders(parallel);
        assertEquals(folders.stream().map(Path::getFileName).toList(), other.stream().map(Path::getFileName).toList());
        for (int i = 0; i < folders.size(); i++) {
            RunRecord a = RunStore.read(folders.get(i).resolve(RunStore.RUN_JSON));
            RunRecord b = RunStore.read(other.get(i).resolve(RunStore.RUN_JSON));
            assertEquals(a.config(), b.config());
            assertEquals(a.facts(), b.facts());
            assertEquals(a.finalMetrics(), b.finalMetrics(), a.runId());
            // the children's thread counts differ (2 vs 1 here), so float sums are added in another order: the mean
            // training loss may differ in its last digits, every count and accuracy is the same
            assertEquals(untimed(a.epochs()), untimed(b.epochs()), a.runId());
            assertSameSpectra(a.epochs(), b.epochs(), a.runId());
            for (int e = 0; e < a.epochs().size(); e++) {
                assertEquals(a.epochs().get(e).trainLoss(), b.epochs().get(e).trainLoss(),
                        1e-6 * Math.abs(a.epochs().get(e).trainLoss()), a.runId());
            }
        }
    }

    /** The epochs without their timing, training loss and spectra (compared with a tolerance). */
    private static List<EpochRecord> untimed(List<EpochRecord> epochs) {
        return epochs.stream().map(e -> new EpochRecord(e.epoch(), 0, e.testAccuracy(), e.testCorrect(),
                e.testTotal(), e.legacySmoothedAccuracy(), 0, e.validationAccuracy(), e.validationCorrect(),
                e.validationTotal(), e.testConfusion(), null)).toList();
    }

    /** The layer spectra of two runs' epochs agree to float precision (their sums run on other thread counts). */
    private static void assertSameSpectra(List<EpochRecord> a, List<EpochRecord> b, String run) {
        for (int e = 0; e < a.size(); e++) {
            var sa = a.get(e).spectra();
            var sb = b.get(e).spectra();
            assertEquals(sa == null, sb == null, run);
            if (sa == null) continue;
            assertEquals(sa.layers().size(), sb.layers().size(), run);
            for (int l = 0; l < sa.layers().size(); l++) {
                List<Double> x = sa.layers().get(l).operator();
                List<Double> y = sb.layers().get(l).operator();
                for (int i = 0; i < x.size(); i++) assertEquals(x.get(i), y.get(i), 1e-5 * x.get(0), run);
            }
        }
    }

    @Test
    void aKilledStudyContinuesWhereItStoppedWithOneRunFolderPerCell(@TempDir Path tmp) throws Exception {
        Path file = study(tmp, GRID.replace("trainLimit: 256", "trainLimit: 1024"));
        Path runs = tmp.resolve("runs");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), PnnCli.class.getName(), "study", "run",
                file.toString(), "--runs-dir", runs.toString(), "--no-download", "--checkpoint-minutes", "0.00001"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("study.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        boolean midRun = false;
        while (!midRun && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            for (Path f : runFolders(runs)) {
                try {
                    JsonNode pos = RunStore.mapper().readTree(f.resolve("checkpoint.json").toFile()).path("position");
                    midRun |= f.getFileName().toString().contains("-conv-") && pos.path("epoch").asInt() == 1
                            && pos.path("batch").asInt() >= 3;
                } catch (IOException notYet) {
                    // no checkpoint yet
                }
            }
        }
        // kill -9 of the cell's training process; the study runner goes on with the next cell and reports the failure
        p.toHandle().children().forEach(ProcessHandle::destroyForcibly);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS));
        String log = Files.readString(tmp.resolve("study.log"));
        assertTrue(midRun, "the first cell was in its first epoch when killed; log:\n" + log);
        assertEquals(1, p.exitValue(), log);
        assertTrue(log.contains("failed: experiment=mnist-lenet-conv, layer=conv, condition=clean, seed=1 (exit 137)"), log);
        List<Path> before = runFolders(runs);
        assertEquals(2, before.size(), log);
        RunRecord killed = RunStore.read(before.get(0).resolve(RunStore.RUN_JSON));
        assertEquals(RunRecord.RUNNING, killed.status(), "kill -9 leaves the record marked running");
        assertEquals(RunRecord.INTERRUPTED, killed.effectiveStatus());
        assertEquals(RunRecord.COMPLETED, RunStore.read(before.get(1).resolve(RunStore.RUN_JSON)).status());
        CliTest.Result plan = cli("study", "plan", file.toString(), "--runs-dir", runs.toString());
        assertTrue(plan.out().endsWith("1 of 2 cells done (1 interrupted)\n"), plan.out());

        CliTest.Result again = run(file, runs);
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("resuming: experiment=mnist-lenet-conv, layer=conv"), again.out());
        assertTrue(again.out().contains("2 of 2 cells done (1 run now)"), again.out());
        List<Path> after = runFolders(runs);
        assertEquals(2, after.size(), "one run folder per cell: " + after);
        assertEquals(before, after);
        for (Path f : after) assertEquals(RunRecord.COMPLETED, RunStore.read(f.resolve(RunStore.RUN_JSON)).status());
    }

    @Test
    void aStoppedStudyRunnerStopsItsCellAndReleasesItsClaim(@TempDir Path tmp) throws Exception {
        Path file = study(tmp, GRID.replace("trainLimit: 256", "trainLimit: 1024"));
        Path runs = tmp.resolve("runs");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), PnnCli.class.getName(), "study", "run", file.toString(),
                "--runs-dir", runs.toString(), "--no-download", "--checkpoint-minutes", "0.00001")
                .redirectErrorStream(true).redirectOutput(tmp.resolve("study.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (p.isAlive() && System.nanoTime() < deadline
                && runFolders(runs).stream().noneMatch(f -> Files.exists(f.resolve("checkpoint.json")))) {
            Thread.sleep(10);
        }
        List<ProcessHandle> children = p.toHandle().children().toList();
        p.destroy(); // SIGTERM, as Ctrl-C or a scheduler's stop
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String log = Files.readString(tmp.resolve("study.log"));
        assertEquals(1, children.size(), log);
        assertFalse(children.get(0).isAlive(), "the cell's process is stopped with the runner");
        List<Path> before = runFolders(runs);
        assertEquals(1, before.size(), log);
        assertEquals(RunRecord.INTERRUPTED, RunStore.read(before.get(0).resolve(RunStore.RUN_JSON)).status(), log);
        try (Stream<Path> s = Files.list(runs.resolve("mnist-lenet-conv"))) {
            assertTrue(s.noneMatch(f -> f.toString().endsWith(".claim")), "the claim is released");
        }
        CliTest.Result again = run(file, runs);
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("resuming: experiment=mnist-lenet-conv, layer=conv"), again.out());
        List<Path> after = runFolders(runs);
        assertEquals(2, after.size(), "one run folder per cell: " + after);
        for (Path f : after) assertEquals(RunRecord.COMPLETED, RunStore.read(f.resolve(RunStore.RUN_JSON)).status());
    }

    @Test
    void twoStudyRunnersStartedTogetherRunEachCellOnce(@TempDir Path tmp) throws Exception {
        Path file = study(tmp, GRID.replace("epochs: 2", "epochs: 1"));
        Path runs = tmp.resolve("runs");
        List<Process> runners = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            runners.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                    "-cp", System.getProperty("java.class.path"), PnnCli.class.getName(), "study", "run", file.toString(),
                    "--runs-dir", runs.toString(), "--no-download").redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("runner" + i + ".log").toFile()).start());
        }
        int runNow = 0;
        for (int i = 0; i < 2; i++) {
            assertTrue(runners.get(i).waitFor(300, TimeUnit.SECONDS));
            String log = Files.readString(tmp.resolve("runner" + i + ".log"));
            assertEquals(0, runners.get(i).exitValue(), log);
            var m = java.util.regex.Pattern.compile("\\((\\d) run now").matcher(log);
            assertTrue(m.find(), log);
            runNow += Integer.parseInt(m.group(1));
        }
        assertEquals(2, runNow, "each cell was run by exactly one of the runners");
        List<Path> folders = runFolders(runs);
        assertEquals(2, folders.size(), "no second folder (-r2) for any cell: " + folders);
        for (Path f : folders) assertEquals(RunRecord.COMPLETED, RunStore.read(f.resolve(RunStore.RUN_JSON)).status());
    }

    @Test
    void badInputIsOneLineAndStartsNothing(@TempDir Path tmp) throws IOException {
        Path runs = tmp.resolve("runs");
        Path good = study(tmp, GRID);
        List<String[]> cases = List.of(
                new String[] {GRID + "seed: 2\n", "unknown key 'seed'"},
                new String[] {GRID.replace("seeds: [1]", "seeds: []"), "the axis 'seeds' is empty"},
                new String[] {GRID.replace("baseline: conv", "baseline: lbc"), "baseline 'lbc' is not among the layers"},
                new String[] {GRID + "conditions: [{}, {subset: 0}]\n", "cell (layer=conv, condition={subset: 0.0}, "
                        + "seed=1 of mnist-lenet-conv): data.subset (--subset) must be in (0, 1]"});
        for (String[] c : cases) {
            Path f = study(tmp, "bad.yaml", c[0]);
            CliTest.Result r = run(f, runs);
            assertEquals(2, r.code(), c[1]);
            assertTrue(r.err().startsWith("error: " + f + ": " + c[1]), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertEquals("", r.out(), "nothing started");
            assertFalse(Files.exists(runs), "nothing written");
        }
        CliTest.Result zero = run(good, runs, "--jobs", "0");
        assertEquals(2, zero.code());
        assertEquals("error: --jobs must be at least 1 (cells run at once), got 0\n", zero.err());
        Path notADir = Files.writeString(tmp.resolve("a-file"), "x");
        CliTest.Result unwritable = run(good, notADir.resolve("runs"));
        assertEquals(2, unwritable.code());
        assertTrue(unwritable.err().startsWith("error: the runs folder " + notADir.resolve("runs") + " is not writable"),
                unwritable.err());
        assertTrue(unwritable.err().endsWith("choose another with --runs-dir DIR\n"), unwritable.err());
        assertEquals(1, unwritable.err().lines().count());
        CliTest.Result missing = run(tmp.resolve("none.yaml"), runs);
        assertEquals("error: study file " + tmp.resolve("none.yaml") + " does not exist\n", missing.err());
        CliTest.Result usage = cli("study", "go", good.toString());
        assertEquals(2, usage.code());
        assertTrue(usage.err().startsWith("error: usage: pnn study plan FILE | pnn study run FILE"), usage.err());
        assertFalse(Files.exists(runs));
    }
}
