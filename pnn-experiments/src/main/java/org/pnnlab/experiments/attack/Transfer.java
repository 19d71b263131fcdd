package org.pnnlab.experiments.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A transfer (black-box) attack, spec CNNF.md §6.3: the adversarial inputs are computed by PGD on a
 * <em>source</em> model and then shown to the evaluated model. {@link #perturb} therefore ignores the target it
 * is given; {@link RobustnessEvaluator} classifies the result with the evaluated target. Both models must take
 * inputs in the same units.
 */
public final class Transfer implements Attack {
    private final AttackTarget source;
    private final Pgd pgd;

    public Transfer(AttackTarget source, ThreatModel threat) {
        this.source = source;
        this.pgd = new Pgd(threat);
    }

    public AttackTarget source() {
        return source;
    }

    public ThreatModel threat() {
        return pgd.threat();
    }

    @Override
    public String name() {
        return "transfer";
    }

    /** PGD against the source model; {@code target} is not queried. */
    @Override
    public INDArray perturb(AttackTarget target, INDArray x, INDArray labelsOneHot, long seed) {
        return pgd.perturb(source, x, labelsOneHot, seed);
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>(pgd.settings());
        m.put("attack", name());
        m.put("sourceAttack", "pgd");
        return m;
    }
}
