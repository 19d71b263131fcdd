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
 * @param validationAccuracy correct predictions over the whole validation set (clean images, evaluated like the
 *     test set), or null when the run has no validation set (and in records written before it existed)
 * @param validationCorrect correct validation predictions, or null without a validation set
 * @param validationTotal validation images, or null without a validation set
 * @param testConfusion the test evaluation's counts by true and predicted class, or null where not recorded
 * @param spectra the convolution-like layers' largest singular values at the end of the epoch, or null where not
 *     recorded (networks without such layers, and records written before they existed)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EpochRecord(int epoch, double trainLoss, double testAccuracy, long testCorrect, long testTotal,
                          @Nullable Double legacySmoothedAccuracy, double seconds, @Nullable Double validationAccuracy,
                          @Nullable Long validationCorrect, @Nullable Long validationTotal,
                          @Nullable ConfusionMatrix testConfusion, @Nullable EpochSpectra spectra) {

    /** An epoch without validation figures. */
    public EpochRecord(int epoch, double trainLoss, double testAccuracy, long testCorrect, long testTotal,
                       @Nullable Double legacySmoothedAccuracy, double seconds) {
        this(epoch, trainLoss, testAccuracy, testCorrect, testTotal, legacySmoothedAccuracy, seconds, null, null, null,
                null, null);
    }

    public static EpochRecord of(int epoch, double trainLoss, long testCorrect, long testTotal, double seconds) {
        return new EpochRecord(epoch, trainLoss, testTotal == 0 ? 0 : (double) testCorrect / testTotal,
                testCorrect, testTotal, null, seconds);
    }

    public EpochRecord withLegacySmoothedAccuracy(@Nullable Double legacy) {
        return new EpochRecord(epoch, trainLoss, testAccuracy, testCorrect, testTotal, legacy, seconds,
                validationAccuracy, validationCorrect, validationTotal, testConfusion, spectra);
    }

    /** This epoch with its validation result: {@code correct} of {@code total} validation images. */
    public EpochRecord withValidation(long correct, long total) {
        return new EpochRecord(epoch, trainLoss, testAccuracy, testCorrect, testTotal, legacySmoothedAccuracy, seconds,
                total == 0 ? 0.0 : (double) correct / total, correct, total, testConfusion, spectra);
    }

    /** This epoch with the test evaluation's confusion matrix. */
    public EpochRecord withTestConfusion(@Nullable ConfusionMatrix confusion) {
        return new EpochRecord(epoch, trainLoss, testAccuracy, testCorrect, testTotal, legacySmoothedAccuracy, seconds,
                validationAccuracy, validationCorrect, validationTotal, confusion, spectra);
    }

    /** This epoch with the layer spectra of its end. */
    public EpochRecord withSpectra(@Nullable EpochSpectra s) {
        return new EpochRecord(epoch, trainLoss, testAccuracy, testCorrect, testTotal, legacySmoothedAccuracy, seconds,
                validationAccuracy, validationCorrect, validationTotal, testConfusion, s);
    }
}
