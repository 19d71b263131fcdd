package org.pnnlab.experiments.corruption;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.run.EvaluationConfig;
import org.pnnlab.api.run.ThreatSpec;
import org.pnnlab.experiments.attack.Attack;
import org.pnnlab.experiments.attack.AttackPlugin;
import org.pnnlab.experiments.attack.AttackTarget;

/**
 * {@code --attack corruptions}: every {@link Corruption} that applies to the images at its five severities, each
 * scored as the run classifies; the record holds the accuracy per corruption and severity and their mean.
 */
public final class CorruptionsAttack implements AttackPlugin {
    @Override
    public String name() {
        return "corruptions";
    }

    @Override
    public String description() {
        return "common corruptions (Hendrycks & Dietterich 2019: noise, blur, contrast, brightness, JPEG, ...) at "
                + "5 severities, drawn from the seed";
    }

    @Override
    public Kind kind() {
        return Kind.CORRUPTIONS;
    }

    /** The first variant: what {@code create} returns (the suite evaluates {@link #variants} instead). */
    @Override
    public Attack create(ThreatSpec threat, EvaluationConfig settings, long valuesPerImage, @Nullable AttackTarget source) {
        return new Corrupt(Corruption.values()[0], 1);
    }

    @Override
    public List<Variant> variants(int channels) {
        List<Variant> out = new ArrayList<>();
        for (Corruption c : Corruption.values()) {
            if (!c.applies(channels)) continue;
            for (int s = 1; s <= Corruption.SEVERITIES; s++) out.add(new Variant(c.id(), s, new Corrupt(c, s)));
        }
        return out;
    }

    @Override
    public Map<String, Object> threatRecord(ThreatSpec threat) {
        return Map.of("units", "[0,1] pixels", "kind", "common corruptions, severities 1-" + Corruption.SEVERITIES);
    }

    /** One corruption at one severity; the seed fixes its random draws. */
    private record Corrupt(Corruption corruption, int severity) implements Attack {
        @Override
        public String name() {
            return corruption.id() + "-" + severity;
        }

        @Override
        public INDArray perturb(AttackTarget target, INDArray x, INDArray labelsOneHot, long seed) {
            return corruption.apply(x, severity, Nd4j.getRandomFactory().getNewRandomInstance(seed));
        }

        @Override
        public Map<String, Object> settings() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("attack", "corruptions");
            m.put("corruption", corruption.id());
            m.put("severity", severity);
            return m;
        }
    }
}
