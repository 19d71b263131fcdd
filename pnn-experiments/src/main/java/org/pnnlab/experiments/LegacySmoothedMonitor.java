package org.pnnlab.experiments;

/**
 * The original PNN code's test "accuracy" monitor, reproduced to show how it differs from the real
 * accuracy (spec 5.2): a state S, never reset between epochs; for each full batch b (partial batches are
 * skipped) {@code S = 0.7*S + 0.3*a_b} with {@code a_b = 100*correct_b/B}; the epoch's value is S after the
 * last batch. It is not an accuracy of the test set: it weighs the last few batches and depends on order.
 */
public final class LegacySmoothedMonitor {
    private final int flagBatchSize;
    private double state;
    private double best = Double.NEGATIVE_INFINITY;

    public LegacySmoothedMonitor(int flagBatchSize) {
        this(flagBatchSize, 0);
    }

    /** A monitor whose state S starts at {@code initialState} (percent), as after an earlier epoch. */
    public LegacySmoothedMonitor(int flagBatchSize, double initialState) {
        this.flagBatchSize = flagBatchSize;
        this.state = initialState;
    }

    /** Feeds one epoch's per-batch results; returns S (in percent) after it. */
    public double epoch(int[] batchCorrect, int[] batchSizes) {
        for (int i = 0; i < batchCorrect.length; i++) {
            if (batchSizes[i] != flagBatchSize) continue;
            double a = 100.0 * batchCorrect[i] / flagBatchSize;
            state = 0.7 * state + 0.3 * a;
        }
        best = Math.max(best, state);
        return state;
    }

    /** Best S over the epochs so far, in percent. */
    public double best() {
        return best;
    }
}
