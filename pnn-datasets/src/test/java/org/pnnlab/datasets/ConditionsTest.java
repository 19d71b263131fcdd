package org.pnnlab.datasets;

import org.pnnlab.api.run.DataConfig;
import org.pnnlab.api.run.NoiseType;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pnnlab.api.PnnException;

/** Label noise, class-balanced subsets and the validation split on synthetic label arrays. */
class ConditionsTest {

    /** {@code perClass[c]} images of class c, classes interleaved. */
    static int[] labels(int... perClass) {
        int total = Arrays.stream(perClass).sum();
        int[] out = new int[total];
        int[] left = perClass.clone();
        int at = 0;
        while (at < total) {
            for (int c = 0; c < left.length; c++) {
                if (left[c] > 0) {
                    out[at++] = c;
                    left[c]--;
                }
            }
        }
        return out;
    }

    static int[] uniform(int classes, int each) {
        int[] counts = new int[classes];
        Arrays.fill(counts, each);
        return labels(counts);
    }

    static int[] countsOf(int[] labels, int[] indices, int classes) {
        int[] c = new int[classes];
        for (int i : indices) c[labels[i]]++;
        return c;
    }

    // ---- symmetric noise ----

    @Test
    void symmetricNoiseDrawsCeilRateTimesNPositionsAndChangesNothingElse() {
        int[] truth = uniform(10, 100); // N = 1000
        double rate = 0.4037; // rate * N = 403.7: positions 0..403 are drawn, 404 of them
        int[] noisy = Conditions.symmetricNoise(truth, 10, rate, 7, false);
        assertEquals(truth.length, noisy.length);
        // with C = 10 about a tenth of the drawn labels stay the same; the changed ones are at most the drawn ones
        int changed = Conditions.changed(truth, noisy);
        assertTrue(changed <= 404, "changed " + changed);
        assertTrue(changed > 404 * 0.8 && changed < 404 * 0.98, "changed " + changed);
        // the truth array is not touched
        assertArrayEquals(uniform(10, 100), truth);
        // rate 0 changes nothing
        assertArrayEquals(truth, Conditions.symmetricNoise(truth, 10, 0, 7, false));
    }

    @Test
    void symmetricNoiseChangesLabelsOnlyAtTheDrawnPositions() {
        // two classes, all labels 0 in one run and all 1 in the other, the same seed: the permutation and the
        // drawn classes are the same in both, so a drawn position holds the same class in both runs and an
        // untouched one keeps 0 and 1
        int n = 2001;
        double rate = 0.3; // rate * N = 600.3: positions 0..600 are drawn
        int[] zeros = new int[n];
        int[] ones = new int[n];
        Arrays.fill(ones, 1);
        int[] a = Conditions.symmetricNoise(zeros, 2, rate, 99, false);
        int[] b = Conditions.symmetricNoise(ones, 2, rate, 99, false);
        int drawn = 0;
        for (int i = 0; i < n; i++) {
            // a drawn position gets the same random class in both runs; an untouched one keeps 0 and 1
            boolean wasDrawn = a[i] == b[i];
            if (wasDrawn) drawn++;
            else assertTrue(a[i] == 0 && b[i] == 1, "position " + i + " changed without being drawn");
        }
        assertEquals(601, drawn, "positions i < rate * N of the permutation are drawn");
        assertEquals(drawn, Conditions.changed(zeros, a) + Conditions.changed(ones, b),
                "every drawn position is wrong in exactly one of the two runs");
    }

    @Test
    void symmetricNoiseWrongFractionIsRateTimesOneMinusOneOverC() {
        int classes = 10;
        int[] truth = uniform(classes, 20_000); // N = 200 000
        for (double rate : new double[]{0.2, 0.4, 0.8}) {
            int[] noisy = Conditions.symmetricNoise(truth, classes, rate, 3, false);
            double wrong = (double) Conditions.changed(truth, noisy) / truth.length;
            double expected = rate * (1 - 1.0 / classes);
            // binomial standard deviation of the fraction is below 0.0012 here
            assertEquals(expected, wrong, 0.003, "rate " + rate);
            // every class receives wrong labels
            int[] hist = new int[classes];
            for (int i = 0; i < truth.length; i++) if (noisy[i] != truth[i]) hist[noisy[i]]++;
            for (int h : hist) assertTrue(h > 0);
        }
    }

    @Test
    void countsTakeTheFractionAsWritten() {
        assertEquals(29, Conditions.floorTimes(100, 0.29));
        assertEquals(7, Conditions.ceilTimes(10, 0.7));
        assertEquals(404, Conditions.ceilTimes(1000, 0.4037));
        assertEquals(403, Conditions.floorTimes(1000, 0.4037));
        int[] zeros = new int[10];
        int[] ones = new int[10];
        Arrays.fill(ones, 1);
        int[] a = Conditions.symmetricNoise(zeros, 2, 0.7, 1, false);
        int[] b = Conditions.symmetricNoise(ones, 2, 0.7, 1, false);
        int same = 0;
        for (int i = 0; i < 10; i++) if (a[i] == b[i]) same++;
        assertEquals(7, same, "0.7 of 10 images are drawn");
    }

    @Test
    void noiseIsDeterministicPerSeedAndDiffersAcrossSeeds() {
        int[] truth = uniform(10, 500);
        assertArrayEquals(Conditions.symmetricNoise(truth, 10, 0.4, 5, false),
                Conditions.symmetricNoise(truth, 10, 0.4, 5, false));
        assertFalse(Arrays.equals(Conditions.symmetricNoise(truth, 10, 0.4, 5, false),
                Conditions.symmetricNoise(truth, 10, 0.4, 6, false)));
        // the validation draw is independent of the training draw of the same seed
        assertFalse(Arrays.equals(Conditions.symmetricNoise(truth, 10, 0.4, 5, false),
                Conditions.symmetricNoise(truth, 10, 0.4, 5, true)));
        int[] map = Conditions.asymmetricMap("cifar-10", 10);
        assertArrayEquals(Conditions.asymmetricNoise(truth, 10, 0.4, map, 5, false),
                Conditions.asymmetricNoise(truth, 10, 0.4, map, 5, false));
        assertFalse(Arrays.equals(Conditions.asymmetricNoise(truth, 10, 0.4, map, 5, false),
                Conditions.asymmetricNoise(truth, 10, 0.4, map, 6, false)));
    }

    // ---- asymmetric noise ----

    @Test
    void asymmetricNoiseFollowsTheMapWithinEachClass() {
        int[] truth = labels(100, 100, 100, 100, 100, 100, 100, 100, 100, 101);
        int[] map = Conditions.asymmetricMap("cifar-10", 10);
        assertArrayEquals(new int[]{0, 1, 0, 5, 7, 3, 6, 7, 8, 1}, map);
        int[] noisy = Conditions.asymmetricNoise(truth, 10, 0.4, map, 11, false);
        int[][] moved = new int[10][10];
        for (int i = 0; i < truth.length; i++) moved[truth[i]][noisy[i]]++;
        for (int c = 0; c < 10; c++) {
            int count = c == 9 ? 101 : 100;
            int flipped = (int) (0.4 * count);
            if (map[c] == c) {
                assertEquals(count, moved[c][c], "class " + c + " is not in the map");
            } else {
                assertEquals(flipped, moved[c][map[c]], "class " + c + " -> " + map[c]);
                assertEquals(count - flipped, moved[c][c], "class " + c + " keeps the rest");
            }
        }
        assertEquals(5 * 40, Conditions.changed(truth, noisy)); // truck (101 images): int(40.4) = 40
    }

    @Test
    void asymmetricMapsByDatasetName() {
        assertArrayEquals(new int[]{0, 1, 7, 8, 4, 6, 5, 1, 8, 9}, Conditions.asymmetricMap("mnist", 10));
        assertArrayEquals(Conditions.asymmetricMap("mnist", 10), Conditions.asymmetricMap("mnist-subset", 10));
        assertArrayEquals(new int[]{6, 1, 4, 3, 2, 7, 6, 7, 8, 7}, Conditions.asymmetricMap("fashion-mnist", 10));
        assertArrayEquals(new int[]{0, 1, 0, 5, 7, 3, 6, 7, 8, 1}, Conditions.asymmetricMap("CIFAR10", 10));
        PnnException e = assertThrows(PnnException.class, () -> Conditions.asymmetricMap("cifar-100", 100));
        assertTrue(e.getMessage().contains("cifar-100") && e.getMessage().contains("--noise-type"), e.getMessage());
        e = assertThrows(PnnException.class, () -> Conditions.asymmetricMap("svhn", 10));
        assertTrue(e.getMessage().contains("'svhn'") && e.getMessage().contains("symmetric"), e.getMessage());
    }

    // ---- subset and validation ----

    @Test
    void subsetIsExactlyClassBalancedAndSeeded() {
        int[] truth = labels(500, 480, 333, 10, 1, 0, 250, 600, 77, 3);
        Conditions.Partition p = Conditions.split(truth, 10, 0, 0.1, 4);
        int[] counts = countsOf(truth, p.train(), 10);
        assertArrayEquals(new int[]{50, 48, 33, 1, 1, 0, 25, 60, 7, 1}, counts,
                "floor(count * 0.1) per class, at least one of a non-empty class");
        assertEquals(0, p.validation().length);
        assertEquals(new HashSet<>(box(p.train())).size(), p.train().length, "no index twice");
        assertTrue(isAscending(p.train()));
        assertArrayEquals(p.train(), Conditions.split(truth, 10, 0, 0.1, 4).train(), "same seed, same subset");
        assertFalse(Arrays.equals(p.train(), Conditions.split(truth, 10, 0, 0.1, 5).train()), "another seed");
        // subset 1 and no validation: everything, in order
        int[] all = Conditions.split(truth, 10, 0, 1, 4).train();
        assertEquals(truth.length, all.length);
        for (int i = 0; i < all.length; i++) assertEquals(i, all[i]);
    }

    @Test
    void validationIsDisjointFromTrainingAndClassBalanced() {
        int[] truth = uniform(10, 200);
        for (double subset : new double[]{1.0, 0.5, 0.05}) {
            Conditions.Partition p = Conditions.split(truth, 10, 0.1, subset, 8);
            int[] val = countsOf(truth, p.validation(), 10);
            int[] train = countsOf(truth, p.train(), 10);
            for (int c = 0; c < 10; c++) {
                assertEquals(20, val[c], "floor(200 * 0.1) validation images of class " + c);
                assertEquals(Math.max(1, (int) Math.floor(180 * subset)), train[c], "training images of class " + c);
            }
            Set<Integer> t = new HashSet<>(box(p.train()));
            for (int v : p.validation()) assertFalse(t.contains(v), "index " + v + " in both sets");
            assertTrue(isAscending(p.validation()));
        }
        // the validation set does not depend on the subset: the same per-class shuffle, its last part
        assertArrayEquals(Conditions.split(truth, 10, 0.1, 1.0, 8).validation(),
                Conditions.split(truth, 10, 0.1, 0.3, 8).validation());
        // with subset 1 training and validation together are the whole set
        Conditions.Partition whole = Conditions.split(truth, 10, 0.1, 1.0, 8);
        assertEquals(truth.length, whole.train().length + whole.validation().length);
    }

    @Test
    void applyOrdersSplitThenNoiseAndKeepsValidationClean() {
        int n = 1000;
        int[] truth = uniform(10, 100);
        LabeledImages images = new LabeledImages("mnist/train", n, 1, 1, 2, pixelsOf(n), truth, 10);
        Conditions.Applied a = Conditions.apply(images, new DataConfig("mnist", 0, 0.2, 0.5, 0.4, NoiseType.parse("symmetric"), false), 21);
        assertEquals(400, a.train().count()); // 10 classes x floor(80 * 0.5)
        assertNotNull(a.validation());
        assertEquals(200, a.validation().count());
        assertEquals("mnist/validation", a.validation().name());
        // the pixels say which original image each one is: validation labels are the true ones
        for (int i = 0; i < a.validation().count(); i++) {
            assertEquals(truth[original(a.validation(), i)], a.validation().labels()[i]);
        }
        int wrong = 0;
        Set<Integer> trainOriginals = new HashSet<>();
        for (int i = 0; i < a.train().count(); i++) {
            int o = original(a.train(), i);
            trainOriginals.add(o);
            if (truth[o] != a.train().labels()[i]) wrong++;
        }
        assertEquals(a.noisyLabels(), wrong, "the recorded count is the number of wrong training labels");
        assertTrue(wrong > 0 && wrong <= 160, "at most ceil(0.4 * 400) labels change: " + wrong);
        for (int i = 0; i < a.validation().count(); i++) assertFalse(trainOriginals.contains(original(a.validation(), i)));
        assertEquals(0, a.noisyValidationLabels());

        Conditions.Applied noisyVal = Conditions.apply(images, new DataConfig("mnist", 0, 0.2, 0.5, 0.4, NoiseType.parse("symmetric"), true), 21);
        assertArrayEquals(a.train().labels(), noisyVal.train().labels(), "the training draw does not change");
        assertTrue(noisyVal.noisyValidationLabels() > 0);
        assertEquals(noisyVal.noisyValidationLabels(),
                Conditions.changed(a.validation().labels(), noisyVal.validation().labels()));

        Conditions.Applied none = Conditions.apply(images, new DataConfig("mnist", 0, 0, 1, 0, NoiseType.parse("symmetric"), false), 21);
        assertEquals(images, none.train());
        assertNull(none.validation());
        assertEquals(0, none.noisyLabels());

        PnnException e = assertThrows(PnnException.class,
                () -> Conditions.apply(images, new DataConfig("svhn", 0, 0, 1, 0.4, NoiseType.parse("asymmetric"), false), 1));
        assertTrue(e.getMessage().contains("svhn"), e.getMessage());
    }

    // ---- helpers ----

    /** Two pixels per image hold the image's index, so a subset can be traced back. */
    static byte[] pixelsOf(int n) {
        byte[] p = new byte[2 * n];
        for (int i = 0; i < n; i++) {
            p[2 * i] = (byte) (i >> 8);
            p[2 * i + 1] = (byte) i;
        }
        return p;
    }

    static int original(LabeledImages images, int i) {
        return images.pixel(i, 0, 0, 0) << 8 | images.pixel(i, 0, 0, 1);
    }

    static List<Integer> box(int[] a) {
        return Arrays.stream(a).boxed().toList();
    }

    static boolean isAscending(int[] a) {
        for (int i = 1; i < a.length; i++) if (a[i] <= a[i - 1]) return false;
        return true;
    }
}
