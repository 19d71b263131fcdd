package org.pnnlab.layers.dl4j;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A learning rate that decays with the iteration {@code t} (0-based) over {@code total} iterations:
 * <ul>
 *   <li>{@code poly}: {@code initial · (1 − t/T)^power} (zero from {@code t = T} on);</li>
 *   <li>{@code cos}: {@code initial · (1e-5 + (1 − 1e-5) · (1 + cos(π t/T)) / 2)}.</li>
 * </ul>
 * ND4J's {@code PolySchedule} computes {@code (1 + t/T)^power}, which grows; this is the decaying form.
 */
public final class IterationDecay implements ISchedule {
    private final String kind;
    private final double initial;
    private final double power;
    private final long total;

    @JsonCreator
    public IterationDecay(@JsonProperty("kind") String kind, @JsonProperty("initial") double initial,
                          @JsonProperty("power") double power, @JsonProperty("total") long total) {
        if (!kind.equals("poly") && !kind.equals("cos")) {
            throw new IllegalArgumentException("unknown decay '" + kind + "'; known: poly, cos");
        }
        if (total < 1) throw new IllegalArgumentException("the decay needs at least 1 iteration, got " + total);
        if (!(power > 0) || Double.isInfinite(power)) throw new IllegalArgumentException("power must be > 0, got " + power);
        this.kind = kind;
        this.initial = initial;
        this.power = power;
        this.total = total;
    }

    public static IterationDecay poly(double initial, double power, long total) {
        return new IterationDecay("poly", initial, power, total);
    }

    public static IterationDecay cos(double initial, long total) {
        return new IterationDecay("cos", initial, 1, total);
    }

    public String getKind() {
        return kind;
    }

    public double getInitial() {
        return initial;
    }

    public double getPower() {
        return power;
    }

    public long getTotal() {
        return total;
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        double f = Math.min(1.0, Math.max(0.0, iteration / (double) total));
        return switch (kind) {
            case "poly" -> initial * Math.pow(1 - f, power);
            default -> initial * (1e-5 + (1 - 1e-5) * 0.5 * (1 + Math.cos(Math.PI * f)));
        };
    }

    @Override
    public ISchedule clone() {
        return new IterationDecay(kind, initial, power, total);
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof IterationDecay d && d.kind.equals(kind) && d.initial == initial && d.power == power
                && d.total == total;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, initial, power, total);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s(%g, power %g, %d iterations)", kind, initial, power, total);
    }
}
