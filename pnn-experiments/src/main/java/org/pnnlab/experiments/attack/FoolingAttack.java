package org.pnnlab.experiments.attack;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An attack that also says which points it fooled, so that an ensemble can run the next attack only on the points
 * still robust (AutoAttack). The adversarial batch of {@link #perturb} is {@link Outcome#adversarial()}.
 */
public interface FoolingAttack extends Attack {

    /**
     * The attack on a batch.
     *
     * @param labelsOneHot {@code [N, classes]} one-hot true labels
     * @param seed fixes every random draw of the attack
     */
    Outcome attack(AttackTarget target, INDArray x, INDArray labelsOneHot, long seed);

    @Override
    default INDArray perturb(AttackTarget target, INDArray x, INDArray labelsOneHot, long seed) {
        return attack(target, x, labelsOneHot, seed).adversarial();
    }

    /**
     * What the attack returns for a batch.
     *
     * @param adversarial for each fooled point its adversarial input, for every other point its clean input
     * @param robust {@code [N]}, 1 where the point was classified correctly and no adversarial input was found
     */
    record Outcome(INDArray adversarial, INDArray robust) {
    }
}
