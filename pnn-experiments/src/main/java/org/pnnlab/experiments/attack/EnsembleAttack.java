package org.pnnlab.experiments.attack;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Attacks run one after the other, each only on the points the ones before left robust, with the per-image worst
 * case as the result (AutoAttack). An evaluator runs each member over the whole test set before the next, as the
 * reference does, and can report (and save) the accuracy after every member.
 */
public interface EnsembleAttack extends FoolingAttack {

    /** The members, in the order they run. */
    List<FoolingAttack> members();

    /** The members on one batch, in order, each on the points still robust; member {@code m} uses seed {@code derive(seed, m)}. */
    @Override
    default Outcome attack(AttackTarget target, INDArray x, INDArray labelsOneHot, long seed) {
        INDArray xc = x.dup('c');
        INDArray y = labelsOneHot.castTo(x.dataType());
        INDArray robust = Apgd.correct(target.logits(xc), y);
        INDArray adversarial = Apgd.flat(xc).dup();
        List<FoolingAttack> members = members();
        for (int m = 0; m < members.size(); m++) {
            int[] idx = Ops.nonZero(robust);
            if (idx.length == 0) break;
            Outcome o = members.get(m).attack(target, Ops.rows(xc, idx), Ops.rows(y, idx), Ops.derive(seed, m));
            int[] fooled = Ops.nonZero(o.robust().rsub(1.0));
            INDArray adv = Apgd.flat(o.adversarial());
            for (int f : fooled) {
                robust.putScalar(idx[f], 0);
                adversarial.putRow(idx[f], adv.getRow(f));
            }
        }
        return new Outcome(adversarial.reshape('c', x.shape()), robust);
    }
}
