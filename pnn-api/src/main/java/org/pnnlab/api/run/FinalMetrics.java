package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a finished run.
 *
 * @param testAccuracy accuracy of the final model: correct predictions over the whole test set, in [0, 1]
 * @param bestTestAccuracy the highest per-epoch test accuracy (selected on the test set, so optimistic)
 * @param bestEpoch the epoch (from 1) of {@code bestTestAccuracy}
 * @param bestLegacySmoothedAccuracy best value of the original code's smoothed monitor over the epochs, or null
 * @param bestValidationAccuracy the highest per-epoch validation accuracy, or null without a validation set
 * @param bestValidationEpoch the epoch (from 1) of {@code bestValidationAccuracy}; on a tie the later epoch
 * @param testAccuracyAtBestValidation the test accuracy of {@code bestValidationEpoch}: the model selected on
 *     held-out data, not on the test set
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FinalMetrics(double testAccuracy, long testCorrect, long testTotal, double bestTestAccuracy,
                           int bestEpoch, @Nullable Double bestLegacySmoothedAccuracy,
                           @Nullable Double bestValidationAccuracy, @Nullable Integer bestValidationEpoch,
                           @Nullable Double testAccuracyAtBestValidation) {

    /** An outcome without validation figures. */
    public FinalMetrics(double testAccuracy, long testCorrect, long testTotal, double bestTestAccuracy, int bestEpoch,
                        @Nullable Double bestLegacySmoothedAccuracy) {
        this(testAccuracy, testCorrect, testTotal, bestTestAccuracy, bestEpoch, bestLegacySmoothedAccuracy, null, null,
                null);
    }

    /**
     * These metrics with the validation figures taken from {@code epochs}: the epoch of the highest validation
     * accuracy (ties go to the later epoch, as a "save when not worse" checkpoint rule would keep it) and the test
     * accuracy of that epoch. Unchanged when no epoch has a validation accuracy.
     */
    public FinalMetrics withValidation(List<EpochRecord> epochs) {
        EpochRecord best = null;
        for (EpochRecord e : epochs) {
            if (e.validationAccuracy() == null) continue;
            if (best == null || e.validationAccuracy() >= best.validationAccuracy()) best = e;
        }
        if (best == null) return this;
        return new FinalMetrics(testAccuracy, testCorrect, testTotal, bestTestAccuracy, bestEpoch,
                bestLegacySmoothedAccuracy, best.validationAccuracy(), best.epoch(), best.testAccuracy());
    }
}
