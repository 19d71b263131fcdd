package org.pnnlab.experiments.attack;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.api.run.EvaluationConfig;
import org.pnnlab.api.run.ThreatSpec;

/**
 * Uniform random noise in the eps box, clipped to [0, 1]: no gradient, no query. A baseline for the attacks: a model
 * that loses more accuracy to it than to PGD is being attacked badly (or masks its gradient).
 */
public final class UniformNoiseAttack implements AttackPlugin {
    @Override
    public String name() {
        return "uniform-noise";
    }

    @Override
    public String description() {
        return "uniform random noise within eps (a baseline: a real attack must do at least as well)";
    }

    @Override
    public Kind kind() {
        return Kind.CLEAN;
    }

    @Override
    public Attack create(ThreatSpec threat, EvaluationConfig settings, long valuesPerImage, @Nullable AttackTarget source) {
        double eps = threat.eps();
        return new Attack() {
            @Override
            public String name() {
                return "uniform-noise";
            }

            @Override
            public INDArray perturb(AttackTarget target, INDArray x, INDArray labelsOneHot, long seed) {
                INDArray noise = new Pgd(ThreatModel.pgd(eps, eps, 1, 0, 1)).randomStart(x, seed); // PGD's start alone
                return Transforms.min(Transforms.max(x.add(noise), 0.0, false), 1.0, false);
            }

            @Override
            public Map<String, Object> settings() {
                return Map.of("attack", "uniform-noise", "eps", eps);
            }
        };
    }

    @Override
    public Map<String, Object> threatRecord(ThreatSpec threat) {
        return Map.of("units", "[0,1] pixels", "eps", threat.eps(), "steps", 0, "clipMin", 0.0, "clipMax", 1.0);
    }
}
