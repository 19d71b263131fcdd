package org.pnnlab.report;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.commons.statistics.distribution.TDistribution;
import org.apache.commons.statistics.inference.TTest;

/**
 * A paired comparison of two sets of values measured on the same seeds, in the units given (the report uses
 * percentage points): with d<sub>i</sub> = other<sub>i</sub> &minus; base<sub>i</sub> over n seeds,
 * <ul>
 *   <li>mean d&#772; = &Sigma;d<sub>i</sub>/n, sample standard deviation s = &radic;(&Sigma;(d<sub>i</sub> &minus;
 *       d&#772;)&sup2;/(n&minus;1));</li>
 *   <li>t = d&#772; / (s/&radic;n) with n&minus;1 degrees of freedom; two-sided p = 2&middot;P(T<sub>n&minus;1</sub>
 *       &ge; |t|) (Apache Commons Statistics' paired t-test);</li>
 *   <li>95 % confidence interval d&#772; &plusmn; t<sub>0.975, n&minus;1</sub>&middot;s/&radic;n (the quantile from
 *       Commons Statistics' t distribution).</li>
 * </ul>
 * With n &lt; 2 only the mean is defined (everything else is NaN); with s = 0 the interval is the point d&#772; and
 * the test is undefined unless d&#772; &ne; 0.
 *
 * @param n paired seeds
 * @param mean mean difference
 * @param sd sample standard deviation of the differences
 * @param t the t statistic
 * @param df degrees of freedom, n &minus; 1
 * @param low lower end of the 95 % confidence interval
 * @param high upper end of the 95 % confidence interval
 * @param p two-sided p-value of the paired t-test (not corrected for multiple comparisons)
 */
record Paired(int n, double mean, double sd, double t, double df, double low, double high, double p) {
    /** Two-sided significance level of the verdicts and intervals. */
    static final double ALPHA = 0.05;
    /** Power at which {@link #seedsToDetect} sizes a study. */
    static final double POWER = 0.8;
    private static final NormalDistribution STANDARD = NormalDistribution.of(0, 1);

    /** The comparison of {@code other} with {@code base}, pairwise by index (same seed). */
    static Paired of(double[] base, double[] other) {
        if (base.length != other.length) throw new IllegalArgumentException("unpaired values");
        int n = base.length;
        double[] d = IntStream.range(0, n).mapToDouble(i -> other[i] - base[i]).toArray();
        double mean = Arrays.stream(d).average().orElse(Double.NaN);
        if (n < 2) return new Paired(n, mean, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        double ss = 0;
        for (double v : d) ss += (v - mean) * (v - mean);
        double sd = Math.sqrt(ss / (n - 1));
        int df = n - 1;
        double half = TDistribution.of(df).inverseCumulativeProbability(1 - ALPHA / 2) * sd / Math.sqrt(n);
        double t;
        double p;
        if (sd == 0) {
            t = mean == 0 ? Double.NaN : Math.copySign(Double.POSITIVE_INFINITY, mean);
            p = mean == 0 ? Double.NaN : 0;
        } else {
            TTest.Result r = TTest.withDefaults().pairedTest(other, base);
            t = r.getStatistic();
            p = r.getPValue();
        }
        return new Paired(n, mean, sd, t, df, mean - half, mean + half, p);
    }

    /**
     * Holm's step-down adjustment of {@code p} (family-wise error rate): sorting the m p-values ascending,
     * p&#771;<sub>(i)</sub> = max<sub>j&le;i</sub> min(1, (m &minus; j + 1)&middot;p<sub>(j)</sub>), returned in the
     * input order. NaN entries stay NaN and do not count in m.
     */
    static double[] holm(double[] p) {
        Integer[] order = IntStream.range(0, p.length).filter(i -> !Double.isNaN(p[i])).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
        int m = order.length;
        double[] out = new double[p.length];
        Arrays.fill(out, Double.NaN);
        double running = 0;
        for (int j = 0; j < m; j++) {
            running = Math.max(running, Math.min(1, (m - j) * p[order[j]]));
            out[order[j]] = running;
        }
        return out;
    }

    /**
     * The number of seeds a paired t-test (two-sided, level {@link #ALPHA}) needs to detect a true mean difference
     * {@code delta} with power {@link #POWER} when the differences have standard deviation {@code sd}: the smallest
     * n &ge; 2 with n &ge; ((t<sub>1&minus;&alpha;/2, n&minus;1</sub> + t<sub>power, n&minus;1</sub>)&middot;sd/delta)&sup2;
     * (the usual t-quantile form of the sample size formula, solved by stepping n up). Returns -1 when sd is not a
     * finite number, and {@link Integer#MAX_VALUE} beyond a million seeds.
     */
    static int seedsToDetect(double delta, double sd) {
        if (!Double.isFinite(sd) || !(delta > 0)) return -1;
        for (int n = 2; n <= 1_000_000; n++) {
            TDistribution t = TDistribution.of(n - 1);
            double k = (t.inverseCumulativeProbability(1 - ALPHA / 2) + t.inverseCumulativeProbability(POWER)) * sd
                    / delta;
            if (n >= k * k) return n;
            // jump close to the normal-approximation bound: the t quantiles only shrink as n grows
            n = Math.max(n, (int) Math.min(1_000_000, Math.floor(Math.pow((STANDARD.inverseCumulativeProbability(
                    1 - ALPHA / 2) + STANDARD.inverseCumulativeProbability(POWER)) * sd / delta, 2))) - 1);
        }
        return Integer.MAX_VALUE;
    }

    /**
     * The verdict in words after correction: {@code better} or {@code worse} when the corrected p-value is below
     * {@link #ALPHA}, else {@code no detectable difference with n = N}; too few seeds or no spread are said so.
     */
    static String verdict(Paired c, double adjustedP) {
        if (c.n < 2) return "not testable: " + c.n + (c.n == 1 ? " shared seed" : " shared seeds") + " (need 2)";
        if (Double.isNaN(adjustedP)) return "no difference in any of the n = " + c.n + " seeds";
        if (adjustedP < ALPHA) return c.mean > 0 ? "better" : "worse";
        return "no detectable difference with n = " + c.n;
    }
}
