package org.pnnlab.experiments.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.run.EvaluationConfig;
import org.pnnlab.api.run.ThreatSpec;

/**
 * An attack the robustness suite, {@code pnn evaluate --attack} and a run's evaluation can name, found with
 * {@link java.util.ServiceLoader} ({@code META-INF/services/org.pnnlab.experiments.attack.AttackPlugin}); a new
 * attack is one class implementing this and one services line. Its settings come from the run's typed
 * {@link EvaluationConfig} and its threat model from the run's {@link ThreatSpec} ([0, 1] pixel units).
 */
public interface AttackPlugin {
    /** How the suite runs an attack. */
    enum Kind {
        /** no attack: the clean images, classified as the run classifies */
        CLEAN,
        /** differentiates or queries a function of the attacked model; run once per function the model offers */
        WHITE_BOX,
        /** computed on another run's model (the source), then classified by the attacked one */
        TRANSFER,
        /**
         * a family of input corruptions, each evaluated on its own at several severities ({@link #variants}); no
         * gradient, no query
         */
        CORRUPTIONS
    }

    /**
     * One member of a {@link Kind#CORRUPTIONS} family: a corruption at one severity, as an attack that ignores the
     * model.
     *
     * @param family the corruption's name, e.g. {@code gaussian-noise}
     * @param severity from 1 (mildest)
     */
    record Variant(String family, int severity, Attack attack) {
    }

    /** The name used on the command line and in run records, e.g. {@code pgd}. Lower case, no spaces. */
    String name();

    /** One line for the help. */
    String description();

    Kind kind();

    /**
     * The attack for one evaluation.
     *
     * @param threat the run's threat model in [0, 1] pixel units
     * @param valuesPerImage input values of one image (C·H·W), for attacks that size their work by it
     * @param source the transfer source in pixel units ({@link Kind#TRANSFER} only, else null)
     */
    Attack create(ThreatSpec threat, EvaluationConfig settings, long valuesPerImage, @Nullable AttackTarget source);

    /**
     * For {@link Kind#CORRUPTIONS}: the variants that apply to images of {@code channels} channels, a family's
     * severities together and in order. Empty for the other kinds.
     */
    default java.util.List<Variant> variants(int channels) {
        return java.util.List.of();
    }

    /** The threat model as this attack applies it, for the run record ({@code [0,1] pixels}). */
    default Map<String, Object> threatRecord(ThreatSpec threat) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("units", "[0,1] pixels");
        m.put("eps", threat.eps());
        m.put("step", threat.step());
        m.put("steps", threat.steps());
        m.put("clipMin", 0.0);
        m.put("clipMax", 1.0);
        m.put("randomStart", true);
        return m;
    }

    /** How many test images it attacks: {@link EvaluationConfig#limit()} (0: all) unless the attack is costlier. */
    default long limit(EvaluationConfig settings) {
        return settings.limit();
    }
}
