/**
 * The training loop built from parts: {@link org.pnnlab.experiments.train.TrainLoop} runs a
 * {@link org.pnnlab.experiments.train.StepStrategy} (chosen by the run's adversarial training) over the epochs and
 * tells its {@link org.pnnlab.experiments.train.TrainListener}s (run record, checkpoints, progress, divergence,
 * robustness after training); {@link org.pnnlab.experiments.train.RunLauncher} starts and resumes runs.
 */
@NullMarked
package org.pnnlab.experiments.train;

import org.jspecify.annotations.NullMarked;
