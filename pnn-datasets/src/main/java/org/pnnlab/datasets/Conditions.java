package org.pnnlab.datasets;

import org.pnnlab.api.run.DataConfig;
import org.pnnlab.api.run.NoiseType;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.PnnException;

/**
 * Experimental conditions on a training set (ConvNorm specification, sections 3.1, 3.4 and 3.5): a class-balanced
 * validation split, a class-balanced data-scarcity subset and label noise. Everything here works on label and
 * index arrays; {@link #apply} turns the result into image sets.
 *
 * <p><b>Randomness.</b> Each step draws from its own {@link SplittableRandom} derived from the run's seed and a
 * fixed stream constant, so the split, the training-label noise and the validation-label noise are independent of
 * each other and of any other random number use in the run (the reference consumes one global stream in that
 * order, so its draws cannot be reproduced exactly; the procedures are the same).
 *
 * <p><b>Split.</b> For every class its indices are shuffled; the <em>last</em> {@code floor(count * validation)}
 * go to validation, and the training subset is the <em>first</em> {@code floor(pool * subset)} (at least one per
 * non-empty class) of the rest, where {@code pool} is what remains of the class after the validation images are
 * held out. Validation and training are therefore always disjoint. The reference instead takes the training subset
 * from the whole shuffled list, so with {@code subset = 1.0} its validation images are also training images; that
 * overlap is deliberately not reproduced.
 *
 * <p><b>Symmetric noise</b> (section 3.4): a random permutation of the {@code N} images is drawn and every image
 * at a position {@code i < rate * N} (so {@code ceil(rate * N)} images) gets a uniformly random class in
 * {@code [0, C)}, which may be its true class: the expected fraction of wrong labels is {@code rate * (1 - 1/C)}.
 *
 * <p><b>Asymmetric noise</b>: within each class, the first {@code floor(rate * count)} images of a shuffle of the
 * class are relabelled by a fixed map of similar-looking classes ({@link #asymmetricMap}); classes the map does
 * not name keep their labels.
 *
 * <p>Counts such as {@code floor(count * fraction)} take the fraction as the decimal it was written as: 0.29 of
 * 100 images is 29, although {@code 0.29 * 100} is slightly below 29 in floating point.
 */
public final class Conditions {


    // stream constants: one independent random sequence per use of the run's seed
    private static final long SPLIT_STREAM = 0x243F6A8885A308D3L;
    private static final long TRAIN_NOISE_STREAM = 0x13198A2E03707344L;
    private static final long VALIDATION_NOISE_STREAM = 0xA4093822299F31D0L;

    /** CIFAR-10: truck to automobile, bird to airplane, cat to dog, dog to cat, deer to horse. */
    private static final int[][] CIFAR10_FLIPS = {{9, 1}, {2, 0}, {3, 5}, {5, 3}, {4, 7}};
    /** MNIST: 7 to 1, 2 to 7, 5 to 6, 6 to 5, 3 to 8. */
    private static final int[][] MNIST_FLIPS = {{7, 1}, {2, 7}, {5, 6}, {6, 5}, {3, 8}};
    /**
     * Fashion-MNIST (no published map; chosen as garments that look alike): T-shirt/top to Shirt, Pullover to Coat,
     * Coat to Pullover, Sandal to Sneaker, Ankle boot to Sneaker.
     */
    private static final int[][] FASHION_MNIST_FLIPS = {{0, 6}, {2, 4}, {4, 2}, {5, 7}, {9, 7}};

    private Conditions() {
    }

    // ---- split ----

    /**
     * Indices of the training and validation images, each ascending.
     *
     * @param train indices (into the original training set) of the images kept for training
     * @param validation indices (into the original training set) held out for validation; empty without a split
     */
    public record Partition(int[] train, int[] validation) {
    }

    /**
     * The class-balanced validation split and training subset described in the class comment.
     *
     * @param labels the class of every image of the training set
     * @param numClasses classes {@code C}; every label is in {@code [0, C)}
     * @param validation fraction of each class held out for validation, in [0, 1)
     * @param subset fraction of each class's remaining images kept for training, in (0, 1]
     */
    public static Partition split(int[] labels, int numClasses, double validation, double subset, long seed) {
        // the user-facing checks are DataConfig's; these guard direct callers
        if (!(validation >= 0 && validation < 1 && subset > 0 && subset <= 1)) {
            throw new IllegalArgumentException("validation must be in [0, 1) and subset in (0, 1], got " + validation
                    + " and " + subset);
        }
        if (validation == 0 && subset == 1) {
            int[] all = new int[labels.length];
            for (int i = 0; i < all.length; i++) all[i] = i;
            return new Partition(all, new int[0]);
        }
        SplittableRandom rng = new SplittableRandom(mix(seed, SPLIT_STREAM));
        int[][] byClass = indicesByClass(labels, numClasses);
        List<int[]> trainParts = new ArrayList<>();
        List<int[]> validationParts = new ArrayList<>();
        for (int[] members : byClass) {
            shuffle(members, rng);
            int count = members.length;
            int held = floorTimes(count, validation);
            int pool = count - held;
            int keep = pool == 0 ? 0 : Math.max(1, floorTimes(pool, subset));
            trainParts.add(Arrays.copyOfRange(members, 0, keep));
            validationParts.add(Arrays.copyOfRange(members, count - held, count));
        }
        return new Partition(sortedUnion(trainParts), sortedUnion(validationParts));
    }

    // ---- noise ----

    /**
     * Symmetric noise: new labels where the images at positions {@code i < rate * N} of a random permutation got a
     * uniform random class in {@code [0, C)} (possibly their own). {@code labels} is not changed.
     *
     * @param seed the run's seed; {@code validation} picks an independent stream for the validation set
     */
    public static int[] symmetricNoise(int[] labels, int numClasses, double rate, long seed, boolean validation) {
        requireRate(rate);
        int[] noisy = labels.clone();
        if (rate == 0) return noisy;
        SplittableRandom rng = noiseRng(seed, validation);
        int n = labels.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        shuffle(order, rng);
        int drawn = ceilTimes(n, rate); // the positions i < rate * N
        for (int i = 0; i < drawn; i++) {
            noisy[order[i]] = rng.nextInt(numClasses);
        }
        return noisy;
    }

    /**
     * Asymmetric noise: within each class, the first {@code floor(rate * count)} images of a random shuffle of the
     * class get {@code map[class]}. A class mapped to itself keeps its labels. {@code labels} is not changed.
     *
     * @param map for every class the class its flipped images get, e.g. from {@link #asymmetricMap}
     */
    public static int[] asymmetricNoise(int[] labels, int numClasses, double rate, int[] map, long seed,
                                        boolean validation) {
        requireRate(rate);
        if (map.length != numClasses) {
            throw new IllegalArgumentException("the class map has " + map.length + " entries for " + numClasses
                    + " classes");
        }
        int[] noisy = labels.clone();
        if (rate == 0) return noisy;
        SplittableRandom rng = noiseRng(seed, validation);
        int[][] byClass = indicesByClass(labels, numClasses);
        for (int c = 0; c < numClasses; c++) {
            int[] members = byClass[c];
            shuffle(members, rng);
            int flip = floorTimes(members.length, rate);
            for (int i = 0; i < flip; i++) noisy[members[i]] = map[c];
        }
        return noisy;
    }

    /**
     * The asymmetric-noise class map of a dataset, chosen by its name: {@code cifar-10}, {@code mnist} and
     * {@code fashion-mnist}, and datasets named after them (such as {@code mnist-subset}). The entry of a class is
     * the class its flipped labels become; unmapped classes map to themselves.
     *
     * @throws PnnException for a dataset without a map or with a number of classes other than 10
     */
    public static int[] asymmetricMap(String dataset, int numClasses) {
        String key = dataset.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        int[][] flips;
        if (key.startsWith("fashionmnist") || key.startsWith("fmnist")) {
            flips = FASHION_MNIST_FLIPS;
        } else if (key.startsWith("mnist")) {
            flips = MNIST_FLIPS;
        } else if (key.startsWith("cifar10") && !key.startsWith("cifar100")) {
            flips = CIFAR10_FLIPS;
        } else {
            throw new PnnException("--noise-type asymmetric has no class map for dataset '" + dataset
                    + "'; maps exist for cifar-10, mnist and fashion-mnist (and datasets named after them); "
                    + "use --noise-type symmetric");
        }
        if (numClasses != 10) {
            throw new PnnException("--noise-type asymmetric: the class map for '" + dataset + "' is for 10 classes, "
                    + "but the dataset has " + numClasses);
        }
        int[] map = new int[numClasses];
        for (int c = 0; c < numClasses; c++) map[c] = c;
        for (int[] f : flips) map[f[0]] = f[1];
        return map;
    }

    /** Labels that differ between {@code a} and {@code b}. */
    public static int changed(int[] a, int[] b) {
        if (a.length != b.length) throw new IllegalArgumentException(a.length + " labels vs " + b.length);
        int n = 0;
        for (int i = 0; i < a.length; i++) if (a[i] != b[i]) n++;
        return n;
    }

    // ---- everything at once ----

    /**
     * The outcome of {@link #apply}.
     *
     * @param train the training images, with noisy labels when label noise was asked for
     * @param validation the validation images (clean labels unless noisy validation was asked for), or null
     * @param noisyLabels training labels that differ from the true ones
     * @param noisyValidationLabels validation labels that differ from the true ones
     */
    public record Applied(LabeledImages train, @Nullable LabeledImages validation, int noisyLabels,
                          int noisyValidationLabels) {
    }

    /**
     * Applies the conditions in their order: the validation split and the training subset, then label noise
     * (training labels; validation labels too, with an independent draw, when {@code noisyValidation}).
     *
     * @param dataset the dataset's name, which picks the asymmetric class map
     */
    public static Applied apply(LabeledImages train, DataConfig conditions, long seed) {
        String dataset = conditions.dataset();
        double validation = conditions.validation();
        double subset = conditions.subset();
        double labelNoise = conditions.labelNoise();
        boolean noisyValidation = conditions.noisyValidation();
        int classes = train.numClasses();
        int @Nullable [] map = labelNoise > 0 && conditions.noiseType() == NoiseType.ASYMMETRIC
                ? asymmetricMap(dataset, classes) : null;
        Partition p = split(train.labels(), classes, validation, subset, seed);
        LabeledImages tr = p.train().length == train.count() ? train : train.subset(p.train());
        LabeledImages va = validation > 0 ? train.subset(p.validation()).withName(validationName(train.name())) : null;
        int noisy = 0;
        int noisyVal = 0;
        if (labelNoise > 0) {
            int[] labels = noise(tr.labels(), classes, labelNoise, map, seed, false);
            noisy = changed(tr.labels(), labels);
            tr = new LabeledImages(tr.name(), tr.count(), tr.channels(), tr.height(), tr.width(), tr.pixels(), labels,
                    classes);
            if (noisyValidation && va != null) {
                int[] vl = noise(va.labels(), classes, labelNoise, map, seed, true);
                noisyVal = changed(va.labels(), vl);
                va = new LabeledImages(va.name(), va.count(), va.channels(), va.height(), va.width(), va.pixels(), vl,
                        classes);
            }
        }
        return new Applied(tr, va, noisy, noisyVal);
    }

    private static int[] noise(int[] labels, int classes, double rate, int @Nullable [] map, long seed,
                               boolean validation) {
        return map == null ? symmetricNoise(labels, classes, rate, seed, validation)
                : asymmetricNoise(labels, classes, rate, map, seed, validation);
    }

    private static String validationName(String trainName) {
        return trainName.endsWith("/train") ? trainName.substring(0, trainName.length() - 6) + "/validation"
                : trainName + "/validation";
    }

    // ---- helpers ----

    private static void requireRate(double rate) {
        if (!(rate >= 0 && rate < 1)) throw new IllegalArgumentException("a noise rate must be in [0, 1), got " + rate);
    }


    /**
     * {@code floor(count * fraction)} with the fraction taken as the decimal it was written as, so that 0.29 of 100
     * is 29 (in binary floating point 0.29 * 100 is 28.999999999999996).
     */
    static int floorTimes(int count, double fraction) {
        return BigDecimal.valueOf(fraction).multiply(BigDecimal.valueOf(count)).setScale(0, RoundingMode.FLOOR)
                .intValueExact();
    }

    /** {@code ceil(count * fraction)}, the fraction taken as written (0.7 of 10 is 7, not 8). */
    static int ceilTimes(int count, double fraction) {
        return BigDecimal.valueOf(fraction).multiply(BigDecimal.valueOf(count)).setScale(0, RoundingMode.CEILING)
                .intValueExact();
    }

    private static long mix(long seed, long stream) {
        // SplittableRandom spreads nearby seeds well; the stream constant separates the uses of one seed
        return new SplittableRandom(seed).nextLong() ^ stream;
    }

    private static SplittableRandom noiseRng(long seed, boolean validation) {
        return new SplittableRandom(mix(seed, validation ? VALIDATION_NOISE_STREAM : TRAIN_NOISE_STREAM));
    }

    private static int[][] indicesByClass(int[] labels, int numClasses) {
        int[] counts = new int[numClasses];
        for (int label : labels) {
            if (label < 0 || label >= numClasses) {
                throw new IllegalArgumentException("label " + label + " is not in 0.." + (numClasses - 1));
            }
            counts[label]++;
        }
        int[][] byClass = new int[numClasses][];
        for (int c = 0; c < numClasses; c++) byClass[c] = new int[counts[c]];
        int[] at = new int[numClasses];
        for (int i = 0; i < labels.length; i++) byClass[labels[i]][at[labels[i]]++] = i;
        return byClass;
    }

    /** Fisher-Yates in place. */
    private static void shuffle(int[] a, SplittableRandom rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static int[] sortedUnion(List<int[]> parts) {
        int[] all = parts.stream().flatMapToInt(Arrays::stream).toArray();
        Arrays.sort(all);
        return all;
    }
}
