package org.pnnlab.experiments.train;

import org.pnnlab.api.run.EpochRecord;

/**
 * Is told what the training loop does. Listeners are called in order: the standard ones (run record, checkpoints,
 * progress, divergence check, robustness after training), then an experiment's own
 * ({@link TrainingParts#listeners}). A listener may stop the run by throwing (a
 * {@link org.pnnlab.api.PnnException} for a problem the user must fix).
 */
public interface TrainListener {
    /** Before the first batch of an epoch (numbered from 1); {@code firstBatch} is > 0 when a run resumes inside it. */
    default void onEpochStart(RunContext run, int epoch, int firstBatch, int batches) {
    }

    /** After every optimisation step. */
    default void onBatchEnd(RunContext run, BatchEnd batch) {
    }

    /** After an epoch and its evaluation. */
    default void onEpochEnd(RunContext run, EpochRecord epoch, Position next) {
    }

    /** After the last epoch, before the run is marked completed. */
    default void onTrainingEnd(RunContext run) {
    }

    /**
     * One optimisation step.
     *
     * @param batch the batch's index in its epoch, from 0
     * @param loss the step's loss
     * @param next where training continues after this step
     */
    record BatchEnd(int epoch, int batch, int batches, double loss, Position next) {
    }
}
