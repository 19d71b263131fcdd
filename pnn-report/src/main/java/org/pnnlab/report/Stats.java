package org.pnnlab.report;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Mean and sample standard deviation of a set of values.
 *
 * @param n number of (finite) values
 * @param mean arithmetic mean
 * @param std sample standard deviation (divisor n - 1); NaN when n &lt; 2
 */
record Stats(int n, double mean, double std) {

    /** Statistics over the finite values; null when there are none. */
    static @Nullable Stats of(List<Double> values) {
        double sum = 0;
        int n = 0;
        for (Double v : values) {
            if (v != null && Double.isFinite(v)) {
                sum += v;
                n++;
            }
        }
        if (n == 0) {
            return null;
        }
        double mean = sum / n;
        if (n == 1) {
            return new Stats(1, mean, Double.NaN);
        }
        double sq = 0;
        for (Double v : values) {
            if (v != null && Double.isFinite(v)) {
                sq += (v - mean) * (v - mean);
            }
        }
        return new Stats(n, mean, Math.sqrt(sq / (n - 1)));
    }
}
