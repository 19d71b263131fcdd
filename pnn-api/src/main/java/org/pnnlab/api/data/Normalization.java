package org.pnnlab.api.data;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Per-channel normalisation: a pixel {@code p} (0..255) of channel {@code c} becomes
 * {@code (p / 255 - mean[c]) / std[c]}. The arrays are copied in and out, so an instance cannot change.
 */
public record Normalization(double[] mean, double[] std) {

    public Normalization {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("mean and std need one value per channel, got "
                    + mean.length + " means and " + std.length + " stds");
        }
        for (int c = 0; c < std.length; c++) {
            if (!(std[c] > 0) || !Double.isFinite(std[c]) || !Double.isFinite(mean[c])) {
                throw new IllegalArgumentException("channel " + c + ": mean must be finite and std finite and > 0, got mean "
                        + mean[c] + ", std " + std[c]);
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** The same mean and std for a single channel. */
    public static Normalization of(double mean, double std) {
        return new Normalization(new double[] {mean}, new double[] {std});
    }

    public int channels() {
        return mean.length;
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "Normalization[mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
