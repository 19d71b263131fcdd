package org.pnnlab.experiments.corruption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.experiments.attack.AttackPlugin;

/** The common corruptions: seeded, in range, shapes kept, and stronger with each severity. */
class CorruptionTest {
    private static Random rng(long seed) {
        return Nd4j.getRandomFactory().getNewRandomInstance(seed);
    }

    /** Images with structure (a smooth ramp plus texture), in [0, 1]. */
    private static INDArray images(int channels, int side) {
        Nd4j.getRandom().setSeed(42);
        INDArray ramp = Nd4j.linspace(0.1, 0.9, side, DataType.DOUBLE).reshape(1, 1, 1, side);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 4, channels, side, side).muli(0.5);
        x.addi(ramp.broadcast(4, channels, side, side).mul(0.5));
        return x;
    }

    private static double meanAbsDiff(INDArray a, INDArray b) {
        return Transforms.abs(a.sub(b), false).meanNumber().doubleValue();
    }

    @ParameterizedTest
    @EnumSource(Corruption.class)
    void seededInRangeShapeKeptAndStrongerWithSeverity(Corruption c) {
        for (int channels : new int[] {1, 3}) {
            if (!c.applies(channels)) {
                assertThrows(IllegalArgumentException.class, () -> c.apply(images(channels, 8), 1, rng(1)));
                continue;
            }
            int side = channels == 1 ? 28 : 32;
            INDArray x = images(channels, side);
            INDArray before = x.dup();
            double last = 0;
            for (int s = 1; s <= Corruption.SEVERITIES; s++) {
                INDArray y = c.apply(x, s, rng(7));
                assertArrayEquals(x.shape(), y.shape(), c + " keeps the shape");
                assertTrue(y.minNumber().doubleValue() >= 0 && y.maxNumber().doubleValue() <= 1, c + " stays in [0, 1]");
                assertEquals(y, c.apply(x, s, rng(7)), c + " is fixed by the seed");
                double d = meanAbsDiff(x, y);
                assertTrue(d > 0, c + " severity " + s + " changes the images");
                // saturate's published constants are not ordered by strength (x0.3, x0.1, then x1.5 ...)
                if (c != Corruption.SATURATE) {
                    assertTrue(d >= last - 1e-12, c + ", " + channels + " channel(s): severity " + s + " changes less ("
                            + d + ") than severity " + (s - 1) + " (" + last + ")");
                }
                last = d;
            }
            assertEquals(before, x, c + " leaves its input alone");
        }
    }

    @Test
    void randomCorruptionsDependOnTheSeed() {
        INDArray x = images(3, 32);
        for (Corruption c : List.of(Corruption.GAUSSIAN_NOISE, Corruption.SHOT_NOISE, Corruption.IMPULSE_NOISE,
                Corruption.SPECKLE_NOISE)) {
            assertNotEquals(c.apply(x, 3, rng(1)), c.apply(x, 3, rng(2)), c.toString());
        }
    }

    @Test
    void knownProperties() {
        INDArray grey = Nd4j.valueArrayOf(new long[] {2, 1, 28, 28}, 0.4, DataType.DOUBLE);
        // blurs and zooms of a constant image are that image
        for (Corruption c : List.of(Corruption.GAUSSIAN_BLUR, Corruption.DEFOCUS_BLUR, Corruption.ZOOM_BLUR,
                Corruption.PIXELATE, Corruption.CONTRAST)) {
            assertTrue(c.apply(grey, 5, rng(3)).equalsWithEps(grey, 1e-12), c + " of a constant image");
        }
        INDArray x = images(1, 28);
        // contrast keeps each image's mean (no clipping at these values)
        INDArray low = Corruption.CONTRAST.apply(x, 5, rng(0));
        assertTrue(low.mean(2, 3).equalsWithEps(x.mean(2, 3), 1e-12));
        assertEquals(0.15 * x.std(2, 3).getDouble(0, 0), low.std(2, 3).getDouble(0, 0), 1e-9);
        // impulse noise sets about a share c of the values to 0 or 1 (c = 0.07 at severity 5)
        INDArray big = Nd4j.valueArrayOf(new long[] {8, 3, 32, 32}, 0.5, DataType.DOUBLE);
        double changed = big.neq(Corruption.IMPULSE_NOISE.apply(big, 5, rng(4))).castTo(DataType.DOUBLE)
                .meanNumber().doubleValue();
        assertEquals(0.07, changed, 0.01);
        // gaussian noise of sd 0.1 at severity 5 on mid-grey (little clipping)
        assertEquals(0.1, Corruption.GAUSSIAN_NOISE.apply(big, 5, rng(5)).sub(big).stdNumber().doubleValue(), 0.005);
        // brightness on grey images adds c
        assertTrue(Corruption.BRIGHTNESS.apply(grey, 5, rng(0)).equalsWithEps(grey.add(0.3), 1e-12));
        // brightness on colour keeps hue and saturation: channel ratios are unchanged where nothing clips
        INDArray colour = images(3, 32).muli(0.6);
        INDArray lit = Corruption.BRIGHTNESS.apply(colour, 2, rng(0));
        assertTrue(lit.div(colour).std(1).maxNumber().doubleValue() < 1e-9, "one factor per pixel");
        // JPEG keeps a smooth image close
        assertTrue(meanAbsDiff(Corruption.JPEG_COMPRESSION.apply(grey, 1, rng(0)), grey) < 0.01);
        assertFalse(Corruption.SATURATE.applies(1));
    }

    @Test
    void thePluginListsEveryApplicableCorruptionAtFiveSeverities() {
        CorruptionsAttack p = new CorruptionsAttack();
        assertEquals(AttackPlugin.Kind.CORRUPTIONS, p.kind());
        List<AttackPlugin.Variant> colour = p.variants(3);
        List<AttackPlugin.Variant> grey = p.variants(1);
        assertEquals(Corruption.values().length * 5, colour.size());
        assertEquals((Corruption.values().length - 1) * 5, grey.size());
        assertEquals("gaussian-noise", colour.get(0).family());
        assertEquals(List.of(1, 2, 3, 4, 5), colour.subList(0, 5).stream().map(AttackPlugin.Variant::severity).toList());
    }
}
