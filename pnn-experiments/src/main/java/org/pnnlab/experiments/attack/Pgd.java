package org.pnnlab.experiments.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Projected gradient descent in L∞ (advertorch's {@code LinfPGDAttack}, spec CNNF.md §6.1), maximising the
 * cross-entropy summed over the batch:
 * <ol>
 *   <li>start: δ uniform in {@code [−eps, eps]} per element if the threat model asks for a random start, else 0;
 *       then {@code δ := clamp(x + δ) − x};</li>
 *   <li>{@code steps} times: g = ∂L/∂x at {@code x + δ}; {@code δ := δ + step·sign(g)} (sign 0 = 0);
 *       {@code δ := clamp(δ, −eps, eps)}; {@code δ := clamp(x + δ) − x};</li>
 *   <li>result {@code clamp(x + δ)},</li>
 * </ol>
 * where {@code clamp} is to {@code [clipMin, clipMax]}. The random start comes from an ND4J generator seeded with
 * the given seed only, so a seed fixes the result.
 */
public final class Pgd implements Attack {
    private final ThreatModel threat;

    /** @throws org.pnnlab.api.PnnException if the threat model has no steps */
    public Pgd(ThreatModel threat) {
        threat.requireSteps("PGD");
        this.threat = threat;
    }

    public ThreatModel threat() {
        return threat;
    }

    @Override
    public String name() {
        return "pgd";
    }

    @Override
    public INDArray perturb(AttackTarget target, INDArray x, INDArray labelsOneHot, long seed) {
        INDArray start = threat.randomStart() ? randomStart(x, seed) : Nd4j.zeros(x.dataType(), x.shape());
        return perturbFrom(target, x, labelsOneHot, start);
    }

    /**
     * The random start {@code perturb} uses for this seed: δ uniform in {@code [−eps, eps]}, the shape and type of
     * {@code x}, before it is clipped into the valid range.
     */
    public INDArray randomStart(INDArray x, long seed) {
        INDArray d = Nd4j.createUninitialized(x.dataType(), x.shape());
        Nd4j.getExecutioner().exec(new UniformDistribution(d, -threat.eps(), threat.eps()), Ops.rng(seed));
        return d;
    }

    /**
     * PGD from a given initial perturbation (for instance a stored random start), used as is whatever the threat
     * model's {@code randomStart}: it is first clipped so that {@code x + δ} is in range (but not to eps).
     */
    public INDArray perturbFrom(AttackTarget target, INDArray x, INDArray labelsOneHot, INDArray initialDelta) {
        Ops.checkBatch(x, labelsOneHot);
        Ops.checkSameShape("the initial perturbation", x, initialDelta);
        double lo = threat.clipMin();
        double hi = threat.clipMax();
        INDArray delta = initialDelta.castTo(x.dataType()).dup();
        Ops.projectIntoRangei(delta, x, lo, hi);
        for (int i = 0; i < threat.steps(); i++) {
            INDArray g = target.lossGradient(x.add(delta), labelsOneHot);
            Ops.checkSameShape("the loss gradient", x, g);
            delta.addi(Transforms.sign(g, true).castTo(x.dataType()).muli(threat.step()));
            Ops.clampi(delta, -threat.eps(), threat.eps());
            Ops.projectIntoRangei(delta, x, lo, hi);
        }
        return Ops.clampi(x.add(delta), lo, hi);
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attack", name());
        m.putAll(threat.toMap());
        return m;
    }
}
