package org.pnnlab.experiments.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.pnnlab.api.data.Normalization;
import org.pnnlab.api.run.AdversarialTraining;
import org.pnnlab.api.run.RunConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One optimisation step on one batch: how a network learns from it. The standard strategies are chosen by the
 * run's adversarial training ({@link #standard}); an experiment can bind its own {@link Factory} through
 * {@link TrainingParts#stepStrategy}.
 */
public interface StepStrategy {
    /**
     * Trains on one batch and returns the objective's value.
     *
     * @param x the batch in the model's input units
     * @param yOneHot one-hot labels
     * @param iteration the run's global iteration index; every random draw of the step derives from it and the seed
     */
    double fit(INDArray x, INDArray yOneHot, long iteration);

    /** Makes the step of a run; the step adds the run's extra loss terms to its loss and gradient. */
    @FunctionalInterface
    interface Factory {
        StepStrategy create(ComputationGraph net, RunConfig config, Normalization normalization, LossTerms terms);
    }

    /** The strategy of the run's adversarial training without extra loss terms. */
    static StepStrategy standard(ComputationGraph net, RunConfig config, Normalization normalization) {
        return standard(net, config, normalization, LossTerms.NONE);
    }

    /**
     * The strategy of the run's adversarial training (standard, PGD adversarial or free adversarial), each adding
     * {@code terms} after its backward pass.
     */
    static StepStrategy standard(ComputationGraph net, RunConfig config, Normalization normalization, LossTerms terms) {
        AdversarialTraining a = config.adversarial();
        if (a instanceof AdversarialTraining.Pgd pgd) {
            return new PgdAdversarialStep(net, pgd, config.optim().gradClip(), normalization, config.seed(), terms);
        }
        if (a instanceof AdversarialTraining.Free free) return new FreeAdversarialStep(net, free, normalization, terms);
        return new StandardStep(net, config.optim().gradClip(), terms);
    }
}
