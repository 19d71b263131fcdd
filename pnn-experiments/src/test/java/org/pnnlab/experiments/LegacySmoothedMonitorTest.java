package org.pnnlab.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The worked examples of the specification (section 5.2). */
class LegacySmoothedMonitorTest {
    static final int[] SIZES = {10, 10, 10, 10, 10, 10, 10, 10, 10, 10};

    @Test
    void firstEpochAndCarriedOverState() {
        LegacySmoothedMonitor m = new LegacySmoothedMonitor(10);
        int[] correct = {7, 8, 9, 8, 9, 8, 10, 10, 9, 10}; // true accuracy 88%
        assertEquals(91.4684, m.epoch(correct, SIZES), 1e-4);
        LegacySmoothedMonitor skipped = new LegacySmoothedMonitor(10);
        assertEquals(0.0, skipped.epoch(new int[]{0}, new int[]{7}), 0, "a partial batch is skipped");
        // the spec's second column: the same batches with S = 86.0 carried over from an earlier epoch
        assertEquals(93.8977, new LegacySmoothedMonitor(10, 86.0).epoch(correct, SIZES), 1e-4);
    }

    static double fromState(double s0, int[] correct) {
        double s = s0;
        for (int c : correct) s = 0.7 * s + 0.3 * (100.0 * c / 10);
        return s;
    }

    @Test
    void orderMattersAsMuchAsAccuracy() {
        assertEquals(72.2173, new LegacySmoothedMonitor(10).epoch(new int[]{10, 10, 10, 10, 10, 7, 7, 7, 7, 7}, SIZES), 1e-4);
        assertEquals(92.9806, new LegacySmoothedMonitor(10).epoch(new int[]{7, 7, 7, 7, 7, 10, 10, 10, 10, 10}, SIZES), 1e-4);
    }

    @Test
    void stateCarriesAcrossEpochsAndBestIsTracked() {
        LegacySmoothedMonitor m = new LegacySmoothedMonitor(10);
        int[] correct = {7, 8, 9, 8, 9, 8, 10, 10, 9, 10};
        double first = m.epoch(correct, SIZES);
        double second = m.epoch(correct, SIZES);
        assertEquals(fromState(first, correct), second, 1e-12);
        m.epoch(new int[]{0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, SIZES);
        assertEquals(second, m.best(), 1e-12);
    }
}
