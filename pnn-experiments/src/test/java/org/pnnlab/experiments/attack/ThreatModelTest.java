package org.pnnlab.experiments.attack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.data.Normalization;

class ThreatModelTest {

    static void assertRejected(String fragment, Runnable r) {
        PnnException e = assertThrows(PnnException.class, r::run);
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void badValuesAreRejectedWithClearMessages() {
        assertRejected("eps must be a finite number >= 0, got -0.1", () -> ThreatModel.pgd(-0.1, 0.01, 7, -1, 1));
        assertRejected("eps", () -> ThreatModel.fgsm(Double.NaN, -1, 1));
        assertRejected("step size", () -> new ThreatModel(0.1, -1, 7, -1, 1, true));
        assertRejected("clipMin < clipMax, got [1.0, -1.0]", () -> ThreatModel.pgd(0.1, 0.01, 7, 1, -1));
        assertRejected("clipMin < clipMax", () -> ThreatModel.fgsm(0.1, 0.5, 0.5));
        assertRejected("PGD needs at least one step", () -> ThreatModel.pgd(0.1, 0.01, 0, -1, 1));
        assertRejected("SPSA needs at least one step", () -> new Spsa(ThreatModel.fgsm(0.1, 0, 1).withSteps(0)));
        assertRejected("normalisation", () -> ThreatModel.fromPixels(0.1, 0.01, 7, true, 0.5, 0));
        assertRejected("SPSA delta", () -> Spsa.Settings.defaults().withDelta(0));
        // infinite bounds mean "no clipping" and are allowed
        ThreatModel open = ThreatModel.pgd(0.1, 0.01, 1, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
        assertEquals("-Infinity", open.toMap().get("clipMin"));
    }

    @Test
    void pixelBudgetsConvertToNormalisedUnits() {
        // CNN-F's Fashion-MNIST: (p − 0.5)/0.5, eps 0.1 in pixels = 0.2 in model units, range [−1, 1]
        ThreatModel t = ThreatModel.fromPixels(0.1, 0.0355, 7, true, 0.5, 0.5);
        assertEquals(0.2, t.eps(), 1e-15);
        assertEquals(0.071, t.step(), 1e-15);
        assertEquals(-1, t.clipMin(), 0);
        assertEquals(1, t.clipMax(), 0);
        ThreatModel m = ThreatModel.fromPixels(0.3, 0.01, 40, true, Normalization.of(0.1307, 0.3081));
        assertEquals(0.3 / 0.3081, m.eps(), 1e-15);
        assertEquals(-0.1307 / 0.3081, m.clipMin(), 1e-15);
        assertEquals((1 - 0.1307) / 0.3081, m.clipMax(), 1e-15);
        Normalization cifar = new Normalization(new double[]{0.4914, 0.4822, 0.4465}, new double[]{0.2023, 0.1994, 0.2010});
        assertRejected("PixelSpaceTarget", () -> ThreatModel.fromPixels(8 / 255.0, 2 / 255.0, 20, true, cifar));
    }

    @Test
    void theRecordMapsToRunJsonFields() {
        ThreatModel t = ThreatModel.pgd(0.063, 0.02, 7, -1, 1);
        Map<String, Object> m = t.toMap();
        assertEquals(List.of("eps", "step", "steps", "clipMin", "clipMax", "randomStart"), List.copyOf(m.keySet()));
        assertEquals(0.063, m.get("eps"));
        assertEquals(7, m.get("steps"));
        assertEquals(true, m.get("randomStart"));
        ThreatModel f = ThreatModel.fgsm(0.3, 0, 1);
        assertEquals(0.3, f.step(), 0);
        assertEquals(1, f.steps());
        assertFalse(f.randomStart());
        Map<String, Object> spsa = new Spsa(t).settings();
        assertEquals(128, spsa.get("samples"));
        assertEquals(64, spsa.get("chunk"));
        assertEquals(0.01, spsa.get("delta"));
    }

    @Test
    void pixelSpaceTargetAppliesTheChainRule() {
        int n = 3;
        int c = 3;
        LinearSoftmaxTarget inner = LinearSoftmaxTarget.random(c * 2 * 2, 4, 5, 1.0);
        double[] mean = {0.4914, 0.4822, 0.4465};
        double[] std = {0.2023, 0.1994, 0.2010};
        PixelSpaceTarget px = new PixelSpaceTarget(inner, mean, std);
        Nd4j.getRandom().setSeed(1);
        INDArray p = Nd4j.rand(DataType.DOUBLE, n, c, 2, 2);
        INDArray y = CrossEntropy.oneHot(Nd4j.createFromArray(0, 3, 1), 4, DataType.DOUBLE);
        INDArray x = px.toModel(p);
        assertEquals((p.getDouble(1, 2, 1, 0) - mean[2]) / std[2], x.getDouble(1, 2, 1, 0), 1e-15);
        assertTrue(px.toPixels(x).equalsWithEps(p, 1e-15));
        assertEquals(inner.logits(x), px.logits(p));
        // finite differences of the pixel-space loss
        INDArray g = px.lossGradient(p, y);
        double h = 1e-6;
        for (int[] at : new int[][]{{0, 0, 0, 0}, {1, 1, 0, 1}, {2, 2, 1, 1}}) {
            INDArray up = p.dup();
            INDArray down = p.dup();
            up.putScalar(at, p.getDouble(at) + h);
            down.putScalar(at, p.getDouble(at) - h);
            double fd = (CrossEntropy.sum(px.logits(up), y) - CrossEntropy.sum(px.logits(down), y)) / (2 * h);
            assertEquals(fd, g.getDouble(at), 1e-7 * Math.max(1, Math.abs(fd)), "at " + java.util.Arrays.toString(at));
        }
        assertThrows(IllegalArgumentException.class, () -> px.logits(Nd4j.rand(DataType.DOUBLE, 2, 2, 2, 2)));
        assertArrayEquals(new long[]{n, c, 2, 2}, g.shape());
    }
}
