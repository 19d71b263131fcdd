package org.pnnlab.experiments.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.SpecifiedIndex;
import org.pnnlab.api.PnnException;

/**
 * An attack run from several random starts, keeping per image the first result the target misclassifies (the
 * per-image worst case): an image counts as robust only if every restart failed on it. Restart {@code r} uses the
 * seed {@code derive(seed, r)} and attacks only the images still classified correctly; restarts stop once every
 * image is misclassified.
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
        INDArray best = attack.perturb(target, x, labelsOneHot, Ops.derive(seed, 0)).dup('c');
        boolean[] fooled = fooled(target, best, truth);
        for (int r = 1; r < restarts; r++) {
            // only the images every earlier restart failed on are attacked again
            int[] robust = java.util.stream.IntStream.range(0, fooled.length).filter(i -> !fooled[i]).toArray();
            if (robust.length == 0) break;
            SpecifiedIndex rows = new SpecifiedIndex(robust);
            INDArray xs = x.get(rows).dup('c');
            INDArray adv = attack.perturb(target, xs, labelsOneHot.get(rows).dup('c'), Ops.derive(seed, r));
            boolean[] now = fooled(target, adv, truth.get(rows));
            for (int j = 0; j < robust.length; j++) {
                if (!now[j]) continue;
                best.get(NDArrayIndex.point(robust[j])).assign(adv.get(NDArrayIndex.point(j)));
                fooled[robust[j]] = true;
            }
        }
        return best;
    }

    /** Per image: whether the target's prediction differs from the truth. */
    private static boolean[] fooled(AttackTarget target, INDArray adv, INDArray truth) {
        INDArray pred = target.logits(adv).argMax(1).castTo(DataType.INT64);
        long[] p = pred.toLongVector();
        long[] t = truth.reshape(truth.length()).toLongVector();
        boolean[] out = new boolean[p.length];
        for (int i = 0; i < p.length; i++) out[i] = p[i] != t[i];
        return out;
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>(attack.settings());
        m.put("restarts", restarts);
        return m;
    }
}
