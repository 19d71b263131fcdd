package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One accuracy-under-attack figure of a run, as stored in {@code run.json} under {@code robustness}.
 *
 * @param name the column it belongs in: {@code clean}, {@code pgd-first}, {@code pgd-e2e}, {@code pgd-average},
 *     {@code spsa-first}, {@code transfer}, {@code fgsm-first}, {@code corruptions}, ... For a model without
 *     feedback "first" and "e2e" are the same function and only the {@code -first} name is written
 * @param attack the attack ({@code clean}, {@code pgd}, {@code fgsm}, {@code spsa}, {@code transfer})
 * @param gradient what the attack differentiated or queried: {@code first} (the plain first pass, the
 *     reference's standard attack), {@code e2e} (the whole network through the feedback to its last cycle, the
 *     reference's {@code run_cycles_adv}), {@code average} (the whole network through the feedback, the average of
 *     the logits over all passes: what CNN-F classifies with), {@code none} (clean, corruptions), or {@code source}
 *     (transfer)
 * @param classify how the attacked images were classified ({@code model} for an ordinary network; {@code last},
 *     {@code average} or {@code first} for a feedback network)
 * @param accuracy {@code correct / evaluated}
 * @param subset true when only the first {@code evaluated} test samples were attacked (then the figure is not
 *     the test-set accuracy and is named so in reports)
 * @param threat eps, step, steps, pixel range and random start, in [0, 1] pixel units
 * @param settings the attack's own settings in the model's input units, as it ran
 * @param sourceRun for {@code transfer}: the run folder of the model the attack was computed on
 * @param confusion counts of the attacked images by true and predicted class, or null where not recorded
 * @param masking the gradient-masking checks of the evaluation a white-box entry belongs to, or null
 * @param corruptions per corruption and severity, for the {@code corruptions} entry; null for the others
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RobustnessRecord(String name, String attack, String gradient, String classify, double accuracy,
                               long correct, long evaluated, long testTotal, boolean subset, long seed,
                               Map<String, Object> threat, Map<String, Object> settings,
                               @Nullable String sourceRun, double seconds, String evaluatedAt,
                               @Nullable ConfusionMatrix confusion, @Nullable GradientMaskingChecks masking,
                               @Nullable CorruptionAccuracies corruptions) {
    public RobustnessRecord {
        if (name == null || attack == null) throw new IllegalArgumentException("robustness entry without a name or attack");
        threat = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(threat == null ? Map.of() : threat));
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings == null ? Map.of() : settings));
    }

    /** An entry without masking checks or corruptions. */
    public RobustnessRecord(String name, String attack, String gradient, String classify, double accuracy, long correct,
                            long evaluated, long testTotal, boolean subset, long seed, Map<String, Object> threat,
                            Map<String, Object> settings, @Nullable String sourceRun, double seconds,
                            String evaluatedAt, @Nullable ConfusionMatrix confusion) {
        this(name, attack, gradient, classify, accuracy, correct, evaluated, testTotal, subset, seed, threat, settings,
                sourceRun, seconds, evaluatedAt, confusion, null, null);
    }

    /** An entry without its confusion matrix. */
    public RobustnessRecord(String name, String attack, String gradient, String classify, double accuracy, long correct,
                            long evaluated, long testTotal, boolean subset, long seed, Map<String, Object> threat,
                            Map<String, Object> settings, @Nullable String sourceRun, double seconds,
                            String evaluatedAt) {
        this(name, attack, gradient, classify, accuracy, correct, evaluated, testTotal, subset, seed, threat, settings,
                sourceRun, seconds, evaluatedAt, null, null, null);
    }

    /** This entry under another name (e.g. for another output mode of the model). */
    public RobustnessRecord renamed(String newName) {
        return new RobustnessRecord(newName, attack, gradient, classify, accuracy, correct, evaluated, testTotal, subset,
                seed, threat, settings, sourceRun, seconds, evaluatedAt, confusion, masking, corruptions);
    }

    /** This entry with the masking checks of its evaluation. */
    public RobustnessRecord withMasking(@Nullable GradientMaskingChecks checks) {
        return new RobustnessRecord(name, attack, gradient, classify, accuracy, correct, evaluated, testTotal, subset,
                seed, threat, settings, sourceRun, seconds, evaluatedAt, confusion, checks, corruptions);
    }

    /**
     * Whether the attack differentiated (or queried) the very function the images were classified with: an
     * ordinary network's first pass, or a feedback network's mode ({@code e2e} is its last cycle).
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean attacksTheClassifier() {
        return switch (gradient) {
            case "first" -> classify.equals("model") || classify.equals("first");
            case "e2e" -> classify.equals("last");
            default -> gradient.equals(classify);
        };
    }
}
