package org.pnnlab.experiments.attack;

import org.pnnlab.api.PnnException;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Expectation over transformation (Athalye, Carlini &amp; Wagner 2018): a target whose every call is the mean of
 * {@code draws} calls of a model with randomness at test time, so that an attack follows the expected loss rather
 * than one random draw of it. The model draws afresh at every call; nothing here seeds it.
 */
public final class ExpectationOverTransformation implements AttackTarget {
    private final AttackTarget model;
    private final int draws;

    public ExpectationOverTransformation(AttackTarget model, int draws) {
        if (draws < 1) throw new PnnException("expectation over transformation needs >= 1 draw, got " + draws);
        this.model = model;
        this.draws = draws;
    }

    public int draws() {
        return draws;
    }

    /** The mean of the logits over the draws. */
    @Override
    public INDArray logits(INDArray x) {
        INDArray sum = model.logits(x).dup();
        for (int i = 1; i < draws; i++) sum.addi(model.logits(x));
        return sum.divi(draws);
    }

    /** The mean of the input gradients over the draws (the gradient of the expected summed cross-entropy). */
    @Override
    public INDArray lossGradient(INDArray x, INDArray labelsOneHot) {
        INDArray sum = model.lossGradient(x, labelsOneHot).dup();
        for (int i = 1; i < draws; i++) sum.addi(model.lossGradient(x, labelsOneHot));
        return sum.divi(draws);
    }
}
