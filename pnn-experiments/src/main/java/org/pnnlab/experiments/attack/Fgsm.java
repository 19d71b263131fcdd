package org.pnnlab.experiments.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The fast gradient sign method (advertorch's {@code GradientSignAttack}, spec CNNF.md §6.4):
 * {@code clamp(x + eps·sign(∂L/∂x), clipMin, clipMax)} with L the cross-entropy summed over the batch and
 * sign 0 = 0. One gradient, no random start; the threat model's step, steps and randomStart are ignored.
 */
public final class Fgsm implements Attack {
    private final ThreatModel threat;

    public Fgsm(ThreatModel threat) {
        this.threat = threat;
    }

    public ThreatModel threat() {
        return threat;
    }

    @Override
    public String name() {
        return "fgsm";
    }

    /** Deterministic: the seed is not used. */
    @Override
    public INDArray perturb(AttackTarget target, INDArray x, INDArray labelsOneHot, long seed) {
        Ops.checkBatch(x, labelsOneHot);
        INDArray g = target.lossGradient(x, labelsOneHot);
        Ops.checkSameShape("the loss gradient", x, g);
        INDArray step = Transforms.sign(g, true).castTo(x.dataType()).muli(threat.eps());
        return Ops.clampi(step.addi(x), threat.clipMin(), threat.clipMax());
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attack", name());
        m.put("eps", threat.eps());
        m.put("clipMin", threat.toMap().get("clipMin"));
        m.put("clipMax", threat.toMap().get("clipMax"));
        return m;
    }
}
