package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;

/**
 * Metrics of one finished epoch (numbered from 1).
 *
 * @param trainLoss mean training loss over the epoch's mini-batches
 * @param testAccuracy correct predictions over the whole test set, a fraction in [0, 1]
 * @param legacySmoothedAccuracy the original PNN code's smoothed per-batch monitor (not an accuracy of the
 *     test set; kept to show how it differs), as a fraction, or null where not computed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpochRecord(int epoch, double trainLoss, double testAccuracy, long testCorrect, long testTotal,
                          @Nullable Double legacySmoothedAccuracy, double seconds) {
    public static EpochRecord of(int epoch, double trainLoss, long testCorrect, long testTotal, double seconds) {
        return new EpochRecord(epoch, trainLoss, testTotal == 0 ? 0 : (double) testCorrect / testTotal,
                testCorrect, testTotal, null, seconds);
    }

    public EpochRecord withLegacySmoothedAccuracy(@Nullable Double legacy) {
        return new EpochRecord(epoch, trainLoss, testAccuracy, testCorrect, testTotal, legacy, seconds);
    }
}
