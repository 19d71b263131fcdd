package org.pnnlab.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;

/**
 * {@code kill -9} of a real {@code pnn run} process in the middle of an epoch, then {@code pnn resume}: the run
 * completes with the final metrics and parameters of the same run trained without interruption.
 */
class KillResumeTest {
    private static final String[] FLAGS = {"--dataset", "mnist-subset", "--train-limit", "2560", "--epochs", "2",
            "--model-opt", "nfilters=8", "--no-download"};

    private static int cli(String... args) {
        return new PnnCli(new PrintStream(new ByteArrayOutputStream())).execute(args);
    }

    @Test
    void aRunKilledWithSigkillResumesExactly(@TempDir Path tmp) throws Exception {
        Path straightRuns = tmp.resolve("straight");
        List<String> a = new ArrayList<>(List.of("run", "mnist-lenet-conv", "--runs-dir", straightRuns.toString()));
        a.addAll(List.of(FLAGS));
        assertEquals(0, cli(a.toArray(String[]::new)));
        Path straight = RunStore.find(straightRuns).get(0).getParent();

        Path killedRuns = tmp.resolve("killed");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-cp", System.getProperty("java.class.path"), PnnCli.class.getName(), "run", "mnist-lenet-conv",
                "--runs-dir", killedRuns.toString(), "--checkpoint-minutes", "0.00001"));
        cmd.addAll(List.of(FLAGS));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("child.log").toFile())
                .start();
        Path dir = killedRuns.resolve("mnist-lenet-conv").resolve(straight.getFileName());
        Path state = dir.resolve("checkpoint.json");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        boolean midEpoch = false;
        while (!midEpoch && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(10);
            try {
                JsonNode pos = RunStore.mapper().readTree(state.toFile()).path("position");
                midEpoch = pos.path("epoch").asInt() == 2 && pos.path("batch").asInt() >= 5;
            } catch (java.io.IOException notYet) {
                // no checkpoint yet
            }
        }
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs
        assertTrue(midEpoch, "the child reached the middle of epoch 2 before being killed; log:\n"
                + Files.readString(tmp.resolve("child.log")));
        RunRecord killed = RunStore.read(dir.resolve("run.json"));
        assertEquals(RunRecord.RUNNING, killed.status(), "kill -9 leaves the record marked running");
        assertEquals(RunRecord.INTERRUPTED, killed.effectiveStatus(), "its process is gone");

        assertEquals(0, cli("resume", dir.toString(), "--no-download"));
        RunRecord x = RunStore.read(straight.resolve("run.json"));
        RunRecord y = RunStore.read(dir.resolve("run.json"));
        assertEquals(RunRecord.COMPLETED, y.status());
        assertEquals(x.finalMetrics(), y.finalMetrics());
        ComputationGraph nx = ModelSerializer.restoreComputationGraph(straight.resolve("model.zip").toFile(), true);
        ComputationGraph ny = ModelSerializer.restoreComputationGraph(dir.resolve("model.zip").toFile(), true);
        assertArrayEquals(nx.params().toFloatVector(), ny.params().toFloatVector());
    }
}
