package org.pnnlab.report;

import org.jspecify.annotations.Nullable;
import org.pnnlab.api.run.FinalMetrics;
import org.pnnlab.api.run.RunRecord;

/**
 * The one test accuracy of a completed run that summaries use: where the run held out a validation split, the test
 * accuracy of the epoch with the best validation accuracy (the model selected without looking at the test set);
 * otherwise the final model's test accuracy. Both are correct predictions over the whole test set. The highest
 * per-epoch test accuracy is never used here: it is selected on the test set.
 */
final class Accuracy {
    /** What the summaries' accuracy is, for column headers and notes. */
    static final String MEANING = "test accuracy of the final model, or at the best validation epoch where the run "
            + "has a validation split";

    private Accuracy() {
    }

    /** The run's accuracy as a fraction, or null when the run did not complete or has no final result. */
    static @Nullable Double of(RunRecord r) {
        FinalMetrics f = r.finalMetrics();
        if (!RunRecord.COMPLETED.equals(r.status()) || f == null) return null;
        Double v = f.testAccuracyAtBestValidation() != null ? f.testAccuracyAtBestValidation() : f.testAccuracy();
        return Double.isFinite(v) ? v : null;
    }

    /** Whether {@link #of} is the test accuracy at the best validation epoch. */
    static boolean atBestValidation(RunRecord r) {
        FinalMetrics f = r.finalMetrics();
        return f != null && f.testAccuracyAtBestValidation() != null;
    }
}
