package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of a finished run.
 *
 * @param testAccuracy accuracy of the final model: correct predictions over the whole test set, in [0, 1]
 * @param bestTestAccuracy the highest per-epoch test accuracy (selected on the test set, so optimistic)
 * @param bestEpoch the epoch (from 1) of {@code bestTestAccuracy}
 * @param bestLegacySmoothedAccuracy best value of the original code's smoothed monitor over the epochs, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FinalMetrics(double testAccuracy, long testCorrect, long testTotal, double bestTestAccuracy,
                           int bestEpoch, @Nullable Double bestLegacySmoothedAccuracy) {
}
