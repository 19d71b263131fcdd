package org.pnnlab.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PairedTest {
    private static final double TOL = 1e-9;

    /**
     * The textbook computation. Baseline 90, 91, 92; layer 91, 91.5, 93.5 on the same seeds: differences d = 1, 0.5, 1.5.
     * mean = 3/3 = 1; s = sqrt(((1-1)^2 + (0.5-1)^2 + (1.5-1)^2)/(3-1)) = sqrt(0.5/2) = 0.5; standard error
     * s/sqrt(3) = 0.288675...; t = 1/0.288675 = 2 sqrt(3) = 3.464101615...; df = 2.
     * For 2 degrees of freedom the t distribution has closed forms: CDF F(t) = 1/2 + t/(2 sqrt(t^2 + 2)), so the
     * two-sided p = 2 (1 - F(|t|)) = 1 - |t|/sqrt(t^2 + 2) = 1 - sqrt(12/14) = 0.0741799...; and its quantile
     * t_q = (2q - 1)/sqrt(2 q (1 - q)), so t_0.975 = 0.95/sqrt(0.04875) = 4.302652729... (tables: 4.303).
     * CI = 1 -+ 4.302652729 * 0.288675 = 1 -+ 1.242069 = [-0.242069, 2.242069].
     */
    @Test
    void handComputedPairedExample() {
        Paired p = Paired.of(new double[] {90, 91, 92}, new double[] {91, 91.5, 93.5});
        double t = 2 * Math.sqrt(3);
        double q = 0.95 / Math.sqrt(2 * 0.975 * 0.025);
        double half = q * 0.5 / Math.sqrt(3);
        assertEquals(3, p.n());
        assertEquals(1.0, p.mean(), TOL);
        assertEquals(0.5, p.sd(), TOL);
        assertEquals(t, p.t(), TOL);
        assertEquals(2, p.df(), TOL);
        assertEquals(1 - half, p.low(), TOL);
        assertEquals(1 + half, p.high(), TOL);
        assertEquals(1 - Math.sqrt(12.0 / 14.0), p.p(), TOL);
        assertEquals(0.0741799002274486, p.p(), 1e-12);
        assertEquals(-0.2420689, p.low(), 1e-6);
    }

    @Test
    void theSignFollowsLayerMinusBaseline() {
        Paired p = Paired.of(new double[] {91, 91.5, 93.5}, new double[] {90, 91, 92});
        assertEquals(-1.0, p.mean(), TOL);
        assertEquals(-2 * Math.sqrt(3), p.t(), TOL);
        assertEquals(1 - Math.sqrt(12.0 / 14.0), p.p(), TOL);
    }

    @Test
    void oneSeedHasOnlyAMean() {
        Paired p = Paired.of(new double[] {90}, new double[] {91});
        assertEquals(1.0, p.mean(), TOL);
        assertTrue(Double.isNaN(p.sd()) && Double.isNaN(p.p()) && Double.isNaN(p.low()));
        assertEquals("not testable: 1 shared seed (need 2)", Paired.verdict(p, Double.NaN));
        assertEquals(-1, Paired.seedsToDetect(1, p.sd()));
    }

    @Test
    void holmMultipliesTheSortedPValuesAndKeepsThemNonDecreasing() {
        // sorted: 0.01 x 4 = 0.04; 0.03 x 3 = 0.09; 0.04 x 2 = 0.08, raised to 0.09 (monotone); 0.20 x 1 = 0.20.
        // NaN (an untestable comparison) is not one of the m = 4 comparisons.
        double[] adjusted = Paired.holm(new double[] {0.04, 0.01, 0.20, Double.NaN, 0.03});
        assertArrayEquals(new double[] {0.09, 0.04, 0.20, Double.NaN, 0.09}, adjusted, TOL);
        // capped at 1
        assertArrayEquals(new double[] {1.0, 1.0}, Paired.holm(new double[] {0.6, 0.5}), TOL);
        // monotone in the original p-values, and never below them
        double[] raw = {0.001, 0.2, 0.011, 0.012, 0.5, 0.049};
        double[] adj = Paired.holm(raw);
        for (int i = 0; i < raw.length; i++) {
            assertTrue(adj[i] >= raw[i]);
            for (int j = 0; j < raw.length; j++) if (raw[i] < raw[j]) assertTrue(adj[i] <= adj[j]);
        }
    }

    @Test
    void verdictWords() {
        Paired up = Paired.of(new double[] {90, 91, 92}, new double[] {91, 91.5, 93.5});
        Paired down = Paired.of(new double[] {91, 91.5, 93.5}, new double[] {90, 91, 92});
        assertEquals("better", Paired.verdict(up, 0.049));
        assertEquals("worse", Paired.verdict(down, 0.01));
        assertEquals("no detectable difference with n = 3", Paired.verdict(up, 0.05));
        assertEquals("no detectable difference with n = 3", Paired.verdict(down, 0.2));
        Paired same = Paired.of(new double[] {90, 91}, new double[] {90, 91});
        assertEquals("no difference in any of the n = 2 seeds", Paired.verdict(same, Double.NaN));
    }

    /**
     * n >= ((t_0.975,n-1 + t_0.8,n-1) s / delta)^2 with s = 0.5, delta = 1, from tables: n = 4: (3.182 + 0.978)^2 / 4
     * = 4.33 > 4; n = 5: (2.776 + 0.941)^2 / 4 = 3.45 <= 5. So 5 seeds.
     */
    @Test
    void seedsToDetectOnePoint() {
        assertEquals(5, Paired.seedsToDetect(1, 0.5));
        assertEquals(2, Paired.seedsToDetect(1, 0.0));
        // large spread: close to the normal approximation (1.96 + 0.8416)^2 s^2 = 7.849 s^2, a little above it
        int n = Paired.seedsToDetect(1, 10);
        assertTrue(n >= 785 && n <= 790, "got " + n);
        // more spread never needs fewer seeds
        int previous = 0;
        for (double s = 0.1; s < 5; s += 0.1) {
            int k = Paired.seedsToDetect(1, s);
            assertTrue(k >= previous, s + ": " + k);
            previous = k;
        }
    }
}
