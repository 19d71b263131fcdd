package org.pnnlab.experiments.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.PnnException;

class RobustnessEvaluatorTest {
    static final int N = 50;
    static final int D = 12;
    static final int K = 3;

    static LinearSoftmaxTarget model() {
        return LinearSoftmaxTarget.random(D, K, 3, 2.0);
    }

    static INDArray features() {
        SplittableRandom r = new SplittableRandom(9);
        double[][] x = new double[N][D];
        for (double[] row : x) for (int d = 0; d < D; d++) row[d] = 2 * r.nextDouble() - 1;
        return Nd4j.createFromArray(x); // flat [N, D]; the model sees [N, 3, 2, 2]
    }

    /** Labels = the model's own prediction for most samples, so clean accuracy is high but not 100 %. */
    static int[] labels(LinearSoftmaxTarget m, INDArray flat) {
        int[] pred = m.logits(flat).argMax(1).toIntVector();
        for (int i = 0; i < N; i += 5) pred[i] = (pred[i] + 1) % K;
        return pred;
    }

    static long countCorrect(LinearSoftmaxTarget m, INDArray x, int[] labels, int limit) {
        int[] pred = m.logits(x).argMax(1).toIntVector();
        long c = 0;
        for (int i = 0; i < limit; i++) if (pred[i] == labels[i]) c++;
        return c;
    }

    @Test
    void cleanAccuracyIsCorrectOverAllSamples() {
        LinearSoftmaxTarget m = model();
        INDArray x = features();
        int[] lab = labels(m, x);
        List<Long> seen = new ArrayList<>();
        RobustnessEvaluator ev = new RobustnessEvaluator(16).withInputShape(3, 2, 2)
                .withListener((attack, evaluated, planned, correct) -> seen.add(evaluated));
        ThreatModel t = ThreatModel.pgd(0.1, 0.02, 5, -1, 1);
        RobustnessEvaluator.Result clean = ev.evaluate(m, attack("clean", t, null), x, Nd4j.createFromArray(lab));
        assertEquals(N, clean.evaluated());
        assertTrue(clean.complete());
        assertEquals(countCorrect(m, x, lab, N), clean.correct());
        assertEquals(40, clean.correct());
        assertEquals(0.8, clean.accuracy(), 1e-15);
        assertEquals(List.of(16L, 32L, 48L, 50L), seen, "batches of 16, the last one partial");
        // one-hot labels give the same count
        INDArray oneHot = CrossEntropy.oneHot(Nd4j.createFromArray(lab), K, DataType.FLOAT);
        assertEquals(clean.correct(), ev.evaluate(m, Attack.none(), x, oneHot).correct());
        assertTrue(clean.describe().startsWith("clean 80.00% (40/50)"), clean.describe());
    }

    @Test
    void attacksLowerTheAccuracyAndALimitIsReported() {
        LinearSoftmaxTarget m = model();
        INDArray x = features();
        INDArray lab = Nd4j.createFromArray(labels(m, x));
        RobustnessEvaluator ev = new RobustnessEvaluator(16).withInputShape(3, 2, 2).withSeed(4);
        ThreatModel t = ThreatModel.pgd(0.3, 0.1, 10, -1, 1);
        double clean = ev.evaluate(m, attack("clean", t, null), x, lab).accuracy();
        RobustnessEvaluator.Result fgsm = ev.evaluate(m, attack("fgsm", t, null), x, lab);
        RobustnessEvaluator.Result pgd = ev.evaluate(m, attack("pgd", t, null), x, lab);
        assertTrue(fgsm.accuracy() < clean && pgd.accuracy() <= fgsm.accuracy(),
                "clean " + clean + ", fgsm " + fgsm.accuracy() + ", pgd " + pgd.accuracy());
        assertEquals(pgd, withoutTime(ev.evaluate(m, attack("pgd", t, null), x, lab), pgd.seconds()), "reproducible");
        // transfer from the model itself is PGD on it
        assertEquals(pgd.correct(), ev.evaluate(m, attack("transfer", t, m), x, lab).correct());
        // SPSA on the first 20 samples only, and said so
        RobustnessEvaluator.Result spsa = ev.withLimit(20).evaluate(m, attack("spsa", t, null), x, lab);
        assertEquals(20, spsa.evaluated());
        assertFalse(spsa.complete());
        assertEquals(true, spsa.toMap().get("subset"));
        assertTrue(spsa.describe().contains("first 20 samples only"), spsa.describe());
        double cleanFirst20 = ev.withLimit(20).evaluate(m, attack("clean", t, null), x, lab).accuracy();
        assertTrue(spsa.accuracy() < cleanFirst20, "spsa " + spsa.accuracy() + " vs clean " + cleanFirst20);
        assertEquals("spsa", spsa.settings().get("attack"));
    }

    static RobustnessEvaluator.Result withoutTime(RobustnessEvaluator.Result r, double seconds) {
        return new RobustnessEvaluator.Result(r.attack(), r.correct(), r.evaluated(), r.complete(), r.seed(),
                r.settings(), seconds, r.confusion());
    }

    @Test
    void anIteratorGivesTheSameCounts() {
        LinearSoftmaxTarget m = model();
        INDArray x = features().reshape('c', N, 3, 2, 2);
        int[] lab = labels(m, features());
        INDArray oneHot = CrossEntropy.oneHot(Nd4j.createFromArray(lab), K, DataType.DOUBLE);
        List<DataSet> batches = new ArrayList<>();
        for (int from = 0; from < N; from += 16) {
            int to = Math.min(N, from + 16);
            batches.add(new DataSet(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to)).dup(),
                    oneHot.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to)).dup()));
        }
        DataSetIterator it = new org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator<>(batches, 16);
        RobustnessEvaluator ev = new RobustnessEvaluator(16).withSeed(4);
        ThreatModel t = ThreatModel.pgd(0.3, 0.1, 10, -1, 1);
        RobustnessEvaluator.Result fromArrays = ev.evaluate(m, new Pgd(t), x, oneHot);
        RobustnessEvaluator.Result fromIterator = ev.evaluate(m, new Pgd(t), it);
        assertEquals(fromArrays.correct(), fromIterator.correct());
        assertEquals(N, fromIterator.evaluated());
        assertTrue(fromIterator.complete());
        RobustnessEvaluator.Result limited = ev.withLimit(20).evaluate(m, Attack.none(), it);
        assertEquals(20, limited.evaluated());
        assertFalse(limited.complete());
        assertEquals(countCorrect(m, x, lab, 20), limited.correct());
    }

    @Test
    void badRequestsAreRejected() {
        ThreatModel t = ThreatModel.pgd(0.3, 0.1, 10, -1, 1);
        PnnException e = assertThrows(PnnException.class, () -> AttackRegistry.load().get("cw"));
        for (String known : new String[] {"apgd-ce", "apgd-t", "autoattack", "clean", "corruptions", "square", "fgsm", "pgd", "spsa", "transfer", "uniform-noise"}) {
            assertTrue(e.getMessage().contains(known), e.getMessage());
        }
        e = assertThrows(PnnException.class, () -> AttackRegistry.load().checkAfterTraining("transfer"));
        assertTrue(e.getMessage().contains("source"), e.getMessage());
        assertThrows(PnnException.class, () -> new RobustnessEvaluator(0));
        assertThrows(IllegalArgumentException.class, () -> new RobustnessEvaluator(8).withInputShape(5)
                .evaluate(model(), Attack.none(), features(), Nd4j.createFromArray(new int[N])));
        assertThrows(IllegalArgumentException.class, () -> new RobustnessEvaluator(8)
                .evaluate(model(), Attack.none(), features(), Nd4j.createFromArray(new int[N - 1])));
    }

    /** The attacks by name as the tests use them (the registry builds them from a pixel threat model). */
    static Attack attack(String name, ThreatModel t, AttackTarget source) {
        return switch (name) {
            case "clean" -> Attack.none();
            case "fgsm" -> new Fgsm(t);
            case "pgd" -> new Pgd(t);
            case "spsa" -> new Spsa(t);
            case "transfer" -> new Transfer(source, t);
            default -> throw new IllegalArgumentException(name);
        };
    }
}
