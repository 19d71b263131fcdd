package org.pnnlab.api.run;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The experimental condition of a run, derived from its typed configuration: label noise, data scarcity and
 * adversarial training. Runs are grouped and ordered by it; {@link #label()} is only for display.
 *
 * @param adversarial the adversarial training's label ({@code pgd-adv}, {@code free-adv}), or null
 */
public record Condition(double labelNoise, NoiseType noiseType, double subset, @Nullable String adversarial)
        implements Comparable<Condition> {
    /** Clean data, ordinary training. */
    public static final Condition CLEAN = new Condition(0, NoiseType.SYMMETRIC, 1, null);

    private static final Comparator<Condition> ORDER = Comparator
            .comparing((Condition c) -> c.adversarial == null ? "" : c.adversarial)
            .thenComparing(c -> c.labelNoise > 0 ? c.noiseType : NoiseType.SYMMETRIC)
            .thenComparingDouble(Condition::labelNoise)
            .thenComparingDouble(c -> -c.subset);

    public Condition {
        if (labelNoise == 0) noiseType = NoiseType.SYMMETRIC; // the type of no noise does not matter
    }

    /** {@code clean}, or the parts joined by commas: {@code sym-noise 40%}, {@code subset 10%}, {@code free-adv}. */
    public String label() {
        List<String> parts = new ArrayList<>();
        if (labelNoise > 0) {
            parts.add((noiseType == NoiseType.ASYMMETRIC ? "asym-noise " : "sym-noise ") + percent(labelNoise) + "%");
        }
        if (subset < 1) parts.add("subset " + percent(subset) + "%");
        if (adversarial != null) parts.add(adversarial);
        return parts.isEmpty() ? "clean" : String.join(", ", parts);
    }

    /** Clean data with no adversarial training. */
    public boolean isClean() {
        return equals(CLEAN);
    }

    /** Clean first, then by adversarial training, noise type, noise rate ascending and subset descending. */
    @Override
    public int compareTo(Condition o) {
        return ORDER.compare(this, o);
    }

    /** {@code fraction} in percent without trailing zeros: 0.4 gives {@code 40}, 0.125 gives {@code 12.5}. */
    public static String percent(double fraction) {
        return BigDecimal.valueOf(fraction).movePointRight(2).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros()
                .toPlainString();
    }
}
