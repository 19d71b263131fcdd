package org.pnnlab.experiments.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.pnnlab.api.run.ThreatNorm;
import org.pnnlab.layers.testing.GoldenCases;

/**
 * One test per folder of the {@code autoattack} golden cases (reference: the authors' {@code APGDAttack} and
 * {@code APGDAttack_targeted} in float64): the case's model is rebuilt as a DL4J network and must give the stored
 * logits; APGD then runs from the stored start of every run and must reproduce every flag, attacked set, target
 * class, step size and checkpoint decision exactly, the points to 1e-12 and the losses to 1e-10 relative,
 * including the per-iteration trajectories where the case stores them.
 */
class ApgdGoldenTest {
    static final double POINT_TOL = 1e-12;
    static final double LOSS_REL_TOL = 1e-10;

    @BeforeAll
    static void doubles() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @TestFactory
    Stream<DynamicTest> autoattackCases() {
        return GoldenCases.tests("autoattack", ApgdGoldenTest::runCase);
    }

    static Apgd.Settings settings(JsonNode attack) {
        ApgdLoss loss = switch (attack.get("loss").asText()) {
            case "ce" -> ApgdLoss.CE;
            case "dlr" -> ApgdLoss.DLR;
            case "dlr-targeted" -> ApgdLoss.TARGETED_DLR;
            default -> throw new IllegalArgumentException("unknown loss " + attack.get("loss"));
        };
        int targets = attack.path("n_target_classes").isNumber() ? attack.get("n_target_classes").asInt() : 1;
        return new Apgd.Settings(ThreatNorm.parse(attack.get("norm").asText()), attack.get("eps").asDouble(),
                attack.get("n_iter").asInt(), attack.get("n_restarts").asInt(), loss, targets,
                attack.get("rho").asDouble());
    }

    static void runCase(Path dir) {
        JsonNode c = GoldenCases.caseJson(dir);
        assertEquals(1, c.get("attack").path("eot_iter").asInt(1), "EOT is not part of these cases");
        Apgd.Settings s = settings(c.get("attack"));
        Apgd apgd = new Apgd(s);

        // the schedule
        List<Apgd.Checkpoint> expectedChecks = new ArrayList<>();
        for (JsonNode k : c.get("derived").get("checkpoints")) {
            expectedChecks.add(new Apgd.Checkpoint(k.get("iteration").asInt(), k.get("window").asInt()));
        }
        assertEquals(expectedChecks, Apgd.checkpoints(s.iterations()), "checkpoints");

        // the model
        ComputationGraph net = GoldenSequentialModel.build(dir, c.get("model"));
        GraphTarget target = new GraphTarget(net, GoldenSequentialModel.LOGITS);
        INDArray x = npy(dir, "x");
        INDArray labels = npy(dir, "y");
        int classes = c.get("model").get("n_classes").asInt();
        INDArray y = CrossEntropy.oneHot(labels, classes, DataType.DOUBLE);
        close("logits", npy(dir, "logits"), target.logits(x), POINT_TOL);

        // the attack from the stored starts
        INDArray attackedAll = npy(dir, "attacked");
        INDArray xStart = npy(dir, "x_start");
        int runs = (int) attackedAll.size(0);
        assertEquals(c.get("derived").get("n_runs").asInt(), runs, "runs");
        Recorder rec = new Recorder(s.iterations());
        Apgd.Outcome out = apgd.attack(target, x, y, (run, xs) -> {
            int[] idx = Ops.nonZero(attackedAll.getRow(run));
            assertEquals(idx.length, xs.size(0), "run " + run + ": points attacked");
            return Ops.rows(xStart.get(NDArrayIndex.point(run)), idx);
        }, rec);

        for (int r = 0; r < runs; r++) {
            String run = "run " + r + ": ";
            int[] expected = Ops.nonZero(attackedAll.getRow(r));
            Recorder.Run got = rec.runs.get(r);
            if (expected.length == 0) {
                assertTrue(got == null, run + "no point should be attacked");
                continue;
            }
            assertNotNull(got, run + "the run did not happen");
            assertArrayEquals(expected, got.attacked, run + "attacked points");
            if (c.get("attack").get("loss").asText().equals("dlr-targeted")) {
                assertNotNull(got.targets);
                assertArrayEquals(longs(rows(npy(dir, "y_target").getRow(r), expected)),
                        got.targets.argMax(1).toLongVector(), run + "target classes");
            }
            closeRel(run + "loss at the start", rows(npy(dir, "loss_start").getRow(r), expected), got.lossAtStart);
            Apgd.RunResult res = got.result;
            assertNotNull(res, run + "no result");
            close(run + "best points", rowsOf(npy(dir, "x_best"), r, expected), res.best(), POINT_TOL);
            closeRel(run + "best losses", rows(npy(dir, "loss_best").getRow(r), expected), res.bestLoss());
            close(run + "last adversarial points", rowsOf(npy(dir, "x_best_adv"), r, expected),
                    res.lastAdversarial(), POINT_TOL);
            exact(run + "fooled", rows(npy(dir, "fooled").getRow(r), expected), res.fooled());
            trajectories(dir, r, expected, got, s.iterations());
        }
        close("adversarial points", npy(dir, "x_adv"), out.adversarial(), POINT_TOL);
        exact("robust", npy(dir, "robust"), out.robust());
        close("logits at the adversarial points", npy(dir, "logits_adv"), target.logits(out.adversarial()), POINT_TOL);
        exact("robust = argmax(adversarial logits) == y", npy(dir, "robust"),
                Apgd.correct(target.logits(out.adversarial()), y));
    }

    /** The per-iteration records, for the files the case has. */
    private static void trajectories(Path dir, int r, int[] idx, Recorder.Run got, int n) {
        for (int i = 0; i < n; i++) {
            String at = "run " + r + ", iteration " + i + ": ";
            if (has(dir, "steps")) exact(at + "step sizes", step(dir, "steps", r, i, idx), got.steps[i]);
            if (has(dir, "losses")) closeRel(at + "losses", step(dir, "losses", r, i, idx), got.losses[i]);
            if (has(dir, "loss_best_steps")) {
                closeRel(at + "best losses", step(dir, "loss_best_steps", r, i + 1, idx), got.bestLosses[i]);
            }
            if (has(dir, "x_iter")) {
                INDArray iter = npy(dir, "x_iter").get(NDArrayIndex.point(r), NDArrayIndex.point(i));
                close(at + "iterate", rows(iter, idx), got.iterates[i], POINT_TOL);
            }
            Apgd.Decisions d = got.decisions[i];
            INDArray zeros = Nd4j.zeros(DataType.DOUBLE, idx.length);
            if (has(dir, "cond_oscillation")) {
                exact(at + "condition 1", step(dir, "cond_oscillation", r, i, idx), d == null ? zeros : d.oscillation());
            }
            if (has(dir, "cond_no_improvement")) {
                exact(at + "condition 2", step(dir, "cond_no_improvement", r, i, idx),
                        d == null ? zeros : d.noImprovement());
            }
            if (has(dir, "reduced")) exact(at + "halved", step(dir, "reduced", r, i, idx), d == null ? zeros : d.reduced());
        }
        if (has(dir, "loss_best_steps")) {
            closeRel("run " + r + ": best loss at the start", step(dir, "loss_best_steps", r, 0, idx), got.lossAtStart);
        }
    }

    /** Collects what the attack reports, per run. */
    private static final class Recorder implements Apgd.Observer {
        final int n;
        final Map<Integer, Run> runs = new HashMap<>();

        Recorder(int n) {
            this.n = n;
        }

        final class Run {
            int[] attacked = new int[0];
            @Nullable INDArray targets;
            INDArray lossAtStart = Nd4j.empty();
            INDArray[] steps = new INDArray[n];
            INDArray[] losses = new INDArray[n];
            INDArray[] iterates = new INDArray[n];
            INDArray[] bestLosses = new INDArray[n];
            Apgd.Decisions[] decisions = new Apgd.Decisions[n];
            Apgd.@Nullable RunResult result;
        }

        @Override
        public void runStarted(int run, int[] attacked, @Nullable INDArray targets, INDArray lossAtStart) {
            Run r = new Run();
            r.attacked = attacked;
            r.targets = targets;
            r.lossAtStart = lossAtStart;
            runs.put(run, r);
        }

        @Override
        public void iteration(int run, int i, INDArray steps, INDArray loss, INDArray iterate, INDArray bestLoss,
                              Apgd.@Nullable Decisions check) {
            Run r = runs.get(run);
            r.steps[i] = steps;
            r.losses[i] = loss;
            r.iterates[i] = iterate;
            r.bestLosses[i] = bestLoss;
            r.decisions[i] = check;
        }

        @Override
        public void runFinished(int run, Apgd.RunResult result) {
            runs.get(run).result = result;
        }
    }

    private static boolean has(Path dir, String name) {
        return Files.isRegularFile(dir.resolve(name + ".npy"));
    }

    private static INDArray npy(Path dir, String name) {
        return GoldenCases.npy(dir, name + ".npy").castTo(DataType.DOUBLE);
    }

    /** {@code a[r, i, idx]} of a [R, n, B] file. */
    private static INDArray step(Path dir, String name, int r, int i, int[] idx) {
        return rows(npy(dir, name).get(NDArrayIndex.point(r), NDArrayIndex.point(i)), idx);
    }

    private static INDArray rowsOf(INDArray perRun, int r, int[] idx) {
        return rows(perRun.get(NDArrayIndex.point(r)), idx);
    }

    private static INDArray rows(INDArray a, int[] idx) {
        if (a.rank() == 1) {
            double[] v = a.toDoubleVector();
            double[] out = new double[idx.length];
            for (int i = 0; i < idx.length; i++) out[i] = v[idx[i]];
            return Nd4j.createFromArray(out);
        }
        return Ops.rows(a, idx);
    }

    private static long[] longs(INDArray a) {
        double[] v = a.toDoubleVector();
        long[] out = new long[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (long) v[i];
        return out;
    }

    private static void close(String what, INDArray expected, INDArray actual, double tol) {
        double d = GoldenCases.maxAbsDiff(expected, actual);
        assertTrue(d <= tol, what + ": max |difference| " + d + " > " + tol);
    }

    private static void closeRel(String what, INDArray expected, INDArray actual) {
        double[] e = expected.castTo(DataType.DOUBLE).reshape(expected.length()).toDoubleVector();
        double[] a = actual.castTo(DataType.DOUBLE).reshape(actual.length()).toDoubleVector();
        assertEquals(e.length, a.length, what + ": size");
        for (int i = 0; i < e.length; i++) {
            double tol = LOSS_REL_TOL * Math.max(1, Math.abs(e[i]));
            assertTrue(Math.abs(e[i] - a[i]) <= tol, what + " [" + i + "]: expected " + e[i] + ", got " + a[i]);
        }
    }

    private static void exact(String what, INDArray expected, INDArray actual) {
        assertArrayEquals(expected.castTo(DataType.DOUBLE).reshape(expected.length()).toDoubleVector(),
                actual.castTo(DataType.DOUBLE).reshape(actual.length()).toDoubleVector(), what);
    }
}
