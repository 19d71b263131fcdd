package org.pnnlab.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.experiment.ExperimentRegistry;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;
import org.pnnlab.api.study.StudyManifest;
import org.pnnlab.experiments.CoreModule;
import org.pnnlab.experiments.cli.PnnCli;
import org.pnnlab.experiments.study.CellResult;
import org.pnnlab.experiments.study.CellSettings;
import org.pnnlab.experiments.study.Study;
import org.pnnlab.experiments.train.ConfigResolver;

/**
 * Studies on Spark's local mode, cells trained by real child processes on the bundled MNIST subset: the same run
 * records as the local runner, a failed task retried without a second run, and a bad master refused before any cell.
 */
class SparkStudyTest {
    /** Two layers × two seeds: 128 images, one epoch, 4 filters. */
    private static final String GRID = """
            experiment: mnist-lenet-conv
            overrides:
              data: {dataset: mnist-subset, trainLimit: 128}
              optim: {epochs: 1}
              model: {options: {nfilters: 4}}
            layers: [{id: conv}, {id: perturbation, first: {id: conv}}]
            baseline: conv
            seeds: [1, 2]
            """;

    record Result(int code, String out, String err) {
    }

    static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = new PnnCli(new PrintStream(out, true, StandardCharsets.UTF_8)).execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
        }
    }

    private static List<Path> runFolders(Path runs) {
        if (!Files.isDirectory(runs.resolve("mnist-lenet-conv"))) return List.of();
        try (Stream<Path> s = Files.list(runs.resolve("mnist-lenet-conv"))) {
            return s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> claims(Path runs) throws IOException {
        try (Stream<Path> s = Files.list(runs.resolve("mnist-lenet-conv"))) {
            return s.filter(p -> p.toString().endsWith(".claim")).toList();
        }
    }

    @Test
    void aGridOnLocalSparkHasTheRunRecordsOfTheLocalRunner(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("grid.yaml"), GRID);
        Path local = tmp.resolve("local");
        Path spark = tmp.resolve("spark");
        // one thread per cell in both (2 jobs on 2 cores; local[2] tasks get spark.task.cpus = 1 core each)
        int jobs = Runtime.getRuntime().availableProcessors();
        Result l = cli("study", "run", file.toString(), "--runs-dir", local.toString(), "--no-download",
                "--jobs", Integer.toString(jobs));
        assertEquals(0, l.code(), l.out() + l.err());
        Result s = cli("study", "run", file.toString(), "--runs-dir", spark.toString(), "--no-download",
                "--spark", "local[2]");
        assertEquals(0, s.code(), s.out() + s.err());
        assertTrue(s.out().contains("study grid on Spark local[2]: 4 cells, 0 done, 4 to run as 4 tasks (spark.task.cpus=1)"),
                s.out());
        assertTrue(s.out().contains("4 of 4 cells done (4 run now)"), s.out());

        List<Path> a = runFolders(local);
        List<Path> b = runFolders(spark);
        assertEquals(4, a.size());
        assertEquals(a.stream().map(Path::getFileName).toList(), b.stream().map(Path::getFileName).toList(),
                "the same run ids");
        for (int i = 0; i < a.size(); i++) {
            RunRecord x = RunStore.read(a.get(i).resolve(RunStore.RUN_JSON));
            RunRecord y = RunStore.read(b.get(i).resolve(RunStore.RUN_JSON));
            assertEquals(RunRecord.COMPLETED, y.status(), y.runId());
            assertEquals(x.runId(), y.runId());
            assertEquals(x.config(), y.config());
            assertEquals(x.facts(), y.facts());
            assertEquals(x.finalMetrics(), y.finalMetrics(), x.runId());
            assertEquals(untimed(x.epochs()), untimed(y.epochs()), x.runId());
            assertEquals(x.robustness(), y.robustness());
        }
        StudyManifest ma = RunStore.mapper().readValue(StudyManifest.path(local, "grid").toFile(), StudyManifest.class);
        StudyManifest mb = RunStore.mapper().readValue(StudyManifest.path(spark, "grid").toFile(), StudyManifest.class);
        assertEquals(ma.cells(), mb.cells());
        assertEquals(ma.baseline(), mb.baseline());
        assertTrue(claims(spark).isEmpty(), "claims are released");

        Result again = cli("study", "run", file.toString(), "--runs-dir", spark.toString(), "--no-download",
                "--spark", "local[2]");
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(again.out().contains("4 done, 0 to run"), again.out());
        assertTrue(again.out().contains("4 of 4 cells done (0 run now)"), again.out());
    }

    /** The epochs without their timing fields. */
    private static List<EpochRecord> untimed(List<EpochRecord> epochs) {
        return epochs.stream().map(e -> new EpochRecord(e.epoch(), e.trainLoss(), e.testAccuracy(), e.testCorrect(),
                e.testTotal(), e.legacySmoothedAccuracy(), 0, e.validationAccuracy(), e.validationCorrect(),
                e.validationTotal(), e.testConfusion(), e.spectra())).toList();
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheStudyHasOneRunPerCell(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("retry.yaml"),
                GRID.replace("[{id: conv}, {id: perturbation, first: {id: conv}}]", "[{id: conv}]"));
        Path runs = tmp.resolve("runs");
        String failOnce = Files.writeString(tmp.resolve("fail-once"), "").toString(); // a Path is not serializable
        Study study = Study.load(file, ExperimentRegistry.load(), LayerRegistry.load(),
                CoreModule.injector(null).getInstance(ConfigResolver.class));
        // the first task to finish its cell fails before it returns (as if its executor were lost then); local[2,2]
        // allows each task two attempts
        CellHook failFirst = report -> {
            try {
                if (Files.deleteIfExists(Path.of(failOnce))) throw new IllegalStateException("injected failure after the cell");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<CellReport> reports = new SparkStudyExecutor(failFirst).runCells(study, new CellSettings(runs, null, false, 10),
                "local[2,2]", new PrintStream(out, true, StandardCharsets.UTF_8));
        assertFalse(Files.exists(Path.of(failOnce)), "the failure was injected");
        assertEquals(2, reports.size(), out.toString(StandardCharsets.UTF_8));
        List<CellReport> retried = reports.stream().filter(r -> r.attempt() == 1).toList();
        assertEquals(1, retried.size(), "one task was retried: " + reports);
        assertEquals(CellResult.ALREADY_DONE, retried.get(0).result(), "the retry found its cell completed");
        assertEquals(1, reports.stream().filter(r -> r.result() == CellResult.RAN).count(), reports.toString());

        List<Path> folders = runFolders(runs);
        assertEquals(2, folders.size(), "one run folder per cell: " + folders);
        for (Path f : folders) {
            RunRecord r = RunStore.read(f.resolve(RunStore.RUN_JSON));
            assertEquals(RunRecord.COMPLETED, r.status());
            assertEquals(1, r.epochs().size(), "trained once, not again by the retry");
        }
        assertTrue(claims(runs).isEmpty(), "claims are released");
    }

    @Test
    void aBadOrUnreachableMasterIsOneLineAndStartsNothing(@TempDir Path tmp) throws IOException {
        Path file = Files.writeString(tmp.resolve("grid.yaml"), GRID);
        Path runs = tmp.resolve("runs");
        Result bad = cli("study", "run", file.toString(), "--runs-dir", runs.toString(), "--spark", "nowhere[2]");
        assertEquals(2, bad.code(), bad.out() + bad.err());
        assertTrue(bad.err().startsWith("error: the Spark master 'nowhere[2]' cannot be used: "), bad.err());
        assertTrue(bad.err().endsWith("use local[N], local[N,F] (N cores, F tries per task) or spark://HOST:PORT\n"),
                bad.err());
        assertEquals(1, bad.err().lines().count(), bad.err());

        Result unreachable = cli("study", "run", file.toString(), "--runs-dir", runs.toString(), "--spark",
                "spark://127.0.0.1:1");
        assertEquals(2, unreachable.code(), unreachable.out() + unreachable.err());
        assertTrue(unreachable.err().startsWith("error: the Spark master 'spark://127.0.0.1:1' cannot be reached ("),
                unreachable.err());
        assertTrue(unreachable.err().endsWith("start it (sbin/start-master.sh) or give its address as --spark "
                + "spark://HOST:PORT\n"), unreachable.err());
        assertEquals(1, unreachable.err().lines().count(), unreachable.err());

        Result both = cli("study", "run", file.toString(), "--runs-dir", runs.toString(), "--jobs", "2", "--spark",
                "local[2]");
        assertEquals(2, both.code());
        assertTrue(both.err().startsWith("error: --jobs and --spark exclude each other"), both.err());
        assertEquals("", bad.out() + unreachable.out() + both.out(), "nothing started");
        assertTrue(runFolders(runs).isEmpty(), "no cell started");
        assertFalse(Files.exists(StudyManifest.path(runs, "grid")), "no manifest written");
    }
}
