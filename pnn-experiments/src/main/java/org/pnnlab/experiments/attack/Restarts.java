package org.pnnlab.experiments.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.PnnException;

/**
 * An attack run from several random starts, keeping per image the first result the target misclassifies (the
 * per-image worst case): an image counts as robust only if every restart failed on it. Restart {@code r} uses the
 * seed {@code derive(seed, r)}; restarts stop early once every image is misclassified.
 */
public final class Restarts implements Attack {
    private final Attack attack;
    private final int restarts;

    public Restarts(Attack attack, int restarts) {
        if (restarts < 1) throw new PnnException("restarts must be >= 1, got " + restarts);
        this.attack = attack;
        this.restarts = restarts;
    }

    @Override
    public String name() {
        return attack.name();
    }

    @Override
    public INDArray perturb(AttackTarget target, INDArray x, INDArray labelsOneHot, long seed) {
        INDArray truth = labelsOneHot.argMax(1).castTo(DataType.INT64);
        INDArray best = attack.perturb(target, x, labelsOneHot, Ops.derive(seed, 0));
        INDArray fooled = fooled(target, best, truth);
        for (int r = 1; r < restarts && fooled.sumNumber().longValue() < x.size(0); r++) {
            INDArray adv = attack.perturb(target, x, labelsOneHot, Ops.derive(seed, r));
            INDArray now = fooled(target, adv, truth);
            INDArray take = now.mul(fooled.rsub(1)); // newly fooled: 1, else 0
            best = blend(best, adv, take);
            fooled = fooled.add(take);
        }
        return best;
    }

    /** 1 where the target's prediction differs from the truth, else 0, as a vector of x's data type. */
    private static INDArray fooled(AttackTarget target, INDArray adv, INDArray truth) {
        INDArray pred = target.logits(adv).argMax(1).castTo(DataType.INT64);
        return pred.neq(truth.reshape(pred.shape())).castTo(adv.dataType());
    }

    /** {@code a} where {@code take} is 0, {@code b} where it is 1, per image. */
    private static INDArray blend(INDArray a, INDArray b, INDArray take) {
        INDArray keep = take.rsub(1);
        INDArray out = a.dup('c');
        Nd4j.getExecutioner().exec(new BroadcastMulOp(out, keep, out, 0));
        INDArray add = b.dup('c');
        Nd4j.getExecutioner().exec(new BroadcastMulOp(add, take, add, 0));
        return out.addi(add);
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>(attack.settings());
        m.put("restarts", restarts);
        return m;
    }
}
