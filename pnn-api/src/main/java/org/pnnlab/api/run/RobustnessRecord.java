package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One accuracy-under-attack figure of a run, as stored in {@code run.json} under {@code robustness}.
 *
 * @param name the column it belongs in: {@code clean}, {@code pgd-first}, {@code pgd-e2e}, {@code spsa-first},
 *     {@code spsa-e2e}, {@code transfer}, {@code fgsm-first}, ... For a model without feedback "first" and
 *     "e2e" are the same function and only the {@code -first} name is written
 * @param attack the attack ({@code clean}, {@code pgd}, {@code fgsm}, {@code spsa}, {@code transfer})
 * @param gradient what the attack differentiated or queried: {@code first} (the plain first pass), {@code e2e}
 *     (the whole model as it classifies), {@code none} (clean), or {@code source} (transfer)
 * @param classify how the attacked images were classified ({@code model} for an ordinary network; {@code last},
 *     {@code average} or {@code first} for a feedback network)
 * @param accuracy {@code correct / evaluated}
 * @param subset true when only the first {@code evaluated} test samples were attacked (then the figure is not
 *     the test-set accuracy and is named so in reports)
 * @param threat eps, step, steps, pixel range and random start, in [0, 1] pixel units
 * @param settings the attack's own settings in the model's input units, as it ran
 * @param sourceRun for {@code transfer}: the run folder of the model the attack was computed on
 * @param confusion counts of the attacked images by true and predicted class, or null where not recorded
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RobustnessRecord(String name, String attack, String gradient, String classify, double accuracy,
                               long correct, long evaluated, long testTotal, boolean subset, long seed,
                               Map<String, Object> threat, Map<String, Object> settings,
                               @Nullable String sourceRun, double seconds, String evaluatedAt,
                               @Nullable ConfusionMatrix confusion) {
    public RobustnessRecord {
        if (name == null || attack == null) throw new IllegalArgumentException("robustness entry without a name or attack");
        threat = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(threat == null ? Map.of() : threat));
        settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings == null ? Map.of() : settings));
    }

    /** An entry without its confusion matrix. */
    public RobustnessRecord(String name, String attack, String gradient, String classify, double accuracy, long correct,
                            long evaluated, long testTotal, boolean subset, long seed, Map<String, Object> threat,
                            Map<String, Object> settings, @Nullable String sourceRun, double seconds,
                            String evaluatedAt) {
        this(name, attack, gradient, classify, accuracy, correct, evaluated, testTotal, subset, seed, threat, settings,
                sourceRun, seconds, evaluatedAt, null);
    }

    /** This entry under another name (e.g. for another output mode of the model). */
    public RobustnessRecord renamed(String newName) {
        return new RobustnessRecord(newName, attack, gradient, classify, accuracy, correct, evaluated, testTotal, subset,
                seed, threat, settings, sourceRun, seconds, evaluatedAt, confusion);
    }
}
