package org.pnnlab.experiments.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.run.EvaluationConfig;
import org.pnnlab.api.run.ThreatSpec;

/**
 * The attacks of AutoAttack as registry entries ({@code apgd-ce}, {@code apgd-t}, {@code square} and the ensemble
 * {@code autoattack}); each is listed in the attack services file. They choose their own step sizes, so the threat
 * record holds the norm and eps only.
 */
public final class AutoAttackFamily {
    private AutoAttackFamily() {
    }

    static Map<String, Object> threat(ThreatSpec t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("units", "[0,1] pixels");
        m.put("norm", t.norm().label());
        m.put("eps", t.eps());
        m.put("clipMin", 0.0);
        m.put("clipMax", 1.0);
        return m;
    }

    /** APGD with the cross-entropy loss, AutoAttack's setting (100 iterations, 1 restart). */
    public static final class ApgdCe implements AttackPlugin {
        @Override
        public String name() {
            return "apgd-ce";
        }

        @Override
        public String description() {
            return "APGD with cross-entropy (AutoAttack: 100 iterations, 1 restart; Linf or L2)";
        }

        @Override
        public Kind kind() {
            return Kind.WHITE_BOX;
        }

        @Override
        public Attack create(ThreatSpec threat, EvaluationConfig settings, long valuesPerImage, @Nullable AttackTarget source) {
            return new Apgd(Apgd.Settings.standard(threat.norm(), threat.eps(), ApgdLoss.CE));
        }

        @Override
        public Map<String, Object> threatRecord(ThreatSpec threat) {
            return threat(threat);
        }
    }

    /** APGD-T: targeted DLR over the 9 most likely other classes (fewer for models with fewer classes). */
    public static final class ApgdT implements AttackPlugin {
        @Override
        public String name() {
            return "apgd-t";
        }

        @Override
        public String description() {
            return "APGD-T: targeted DLR loss, target ranks 2..10 of the clean logits (AutoAttack: 100 iterations)";
        }

        @Override
        public Kind kind() {
            return Kind.WHITE_BOX;
        }

        @Override
        public Attack create(ThreatSpec threat, EvaluationConfig settings, long valuesPerImage, @Nullable AttackTarget source) {
            return new Apgd(Apgd.Settings.standard(threat.norm(), threat.eps(), ApgdLoss.TARGETED_DLR));
        }

        @Override
        public Map<String, Object> threatRecord(ThreatSpec threat) {
            return threat(threat);
        }
    }

    /** The Square attack (score-based, L∞) with the configured query budget. */
    public static final class Square implements AttackPlugin {
        @Override
        public String name() {
            return "square";
        }

        @Override
        public String description() {
            return "Square: score-based black-box attack, Linf, --queries per image (default 5000)";
        }

        @Override
        public Kind kind() {
            return Kind.WHITE_BOX;
        }

        @Override
        public Attack create(ThreatSpec threat, EvaluationConfig settings, long valuesPerImage, @Nullable AttackTarget source) {
            SquareAttack.requireNorm(threat.norm());
            return new SquareAttack(SquareAttack.Settings.standard(threat.eps(), settings.squareQueries()));
        }

        @Override
        public Map<String, Object> threatRecord(ThreatSpec threat) {
            return threat(threat);
        }
    }

    /** The standard ensemble: APGD-CE, APGD-T, Square. */
    public static final class Ensemble implements AttackPlugin {
        @Override
        public String name() {
            return "autoattack";
        }

        @Override
        public String description() {
            return "AutoAttack: APGD-CE, then APGD-T, then Square, each on the points still robust (worst case per image)";
        }

        @Override
        public Kind kind() {
            return Kind.WHITE_BOX;
        }

        @Override
        public Attack create(ThreatSpec threat, EvaluationConfig settings, long valuesPerImage, @Nullable AttackTarget source) {
            if (threat.norm() != org.pnnlab.api.run.ThreatNorm.LINF) {
                org.slf4j.LoggerFactory.getLogger(AutoAttackFamily.class).warn("autoattack in {}: APGD-CE and APGD-T only "
                        + "(the Square attack here is Linf only)", threat.norm());
            }
            return AutoAttack.standard(threat.norm(), threat.eps(), settings.squareQueries());
        }

        @Override
        public Map<String, Object> threatRecord(ThreatSpec threat) {
            return threat(threat);
        }
    }
}
