package org.pnnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class AugmentTest {
    /** Every crop (and its mirror image) of one image zero-padded in pixel space, computed independently. */
    static List<INDArray> candidates(INDArray img, double padValue, int pad) {
        long c = img.size(0), h = img.size(1), w = img.size(2);
        INDArray p = Nd4j.valueArrayOf(new long[]{c, h + 2 * pad, w + 2 * pad}, padValue, DataType.DOUBLE);
        p.get(NDArrayIndex.all(), NDArrayIndex.interval(pad, pad + h), NDArrayIndex.interval(pad, pad + w)).assign(img);
        List<INDArray> out = new ArrayList<>();
        for (int dy = 0; dy <= 2 * pad; dy++) {
            for (int dx = 0; dx <= 2 * pad; dx++) {
                INDArray crop = p.get(NDArrayIndex.all(), NDArrayIndex.interval(dy, dy + h), NDArrayIndex.interval(dx, dx + w)).dup();
                out.add(crop);
                INDArray mirror = crop.dup();
                for (int x = 0; x < w; x++) {
                    mirror.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(x))
                            .assign(crop.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(w - 1 - x)));
                }
                out.add(mirror);
            }
        }
        return out;
    }

    @Test
    void eachImageIsAPaddedCropOrItsMirror() {
        INDArray x = Nd4j.linspace(DataType.DOUBLE, 1, 2 * 3 * 5 * 5, 1).reshape(2, 3, 5, 5);
        double[] mean = {0.5, 0.4, 0.3};
        double[] std = {0.2, 0.25, 0.5};
        SplittableRandom rng = new SplittableRandom(4);
        int flipped = 0;
        int shifted = 0;
        for (int round = 0; round < 20; round++) {
            INDArray out = Augment.cropFlip(x, mean, std, 2, rng);
            assertArrayEquals(x.shape(), out.shape());
            for (int i = 0; i < 2; i++) {
                INDArray got = out.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
                INDArray img = x.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
                int match = -1;
                List<List<INDArray>> cands = new ArrayList<>();
                for (int ch = 0; ch < 3; ch++) {
                    cands.add(candidates(img.get(NDArrayIndex.interval(ch, ch + 1), NDArrayIndex.all(), NDArrayIndex.all()),
                            -mean[ch] / std[ch], 2));
                }
                for (int k = 0; k < cands.get(0).size() && match < 0; k++) {
                    boolean all = true;
                    for (int ch = 0; ch < 3; ch++) {
                        INDArray gc = got.get(NDArrayIndex.interval(ch, ch + 1), NDArrayIndex.all(), NDArrayIndex.all());
                        if (gc.sub(cands.get(ch).get(k)).amaxNumber().doubleValue() > 1e-12) all = false;
                    }
                    if (all) match = k;
                }
                assertTrue(match >= 0, "image " + i + " is not a padded crop of the input");
                if (match % 2 == 1) flipped++;
                if (match / 2 != 12) shifted++; // index 12 = no shift for pad 2 (dy = dx = 2)
            }
        }
        assertTrue(flipped > 5 && flipped < 35, "flips happen about half of the time: " + flipped);
        assertTrue(shifted > 20, "crops move: " + shifted);
    }

    @Test
    void theScheduleFollowsTheReproduction() {
        org.pnnlab.api.run.OptimConfig t = org.pnnlab.api.run.OptimConfig.DEFAULTS.withLearningRate(0.1).withEpochs(150)
                .withStepDecay(List.of(60, 90, 120, 160), 0.2);
        assertEquals(0.1, t.learningRateAt(1), 1e-15);
        assertEquals(0.1, t.learningRateAt(59), 1e-15);
        assertEquals(0.02, t.learningRateAt(60), 1e-15);
        assertEquals(0.004, t.learningRateAt(90), 1e-15);
        assertEquals(0.1 * 0.2 * 0.2 * 0.2, t.learningRateAt(150), 1e-15);
    }
}
