package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.List;

/**
 * Accuracy on common corruptions of the test images (Hendrycks &amp; Dietterich 2019): every corruption at every
 * severity, the images corrupted afresh from the seed. Stored with the {@code corruptions} robustness entry, whose
 * accuracy is {@link #meanAccuracy()}.
 *
 * @param evaluated test images per corruption and severity (the first this many)
 * @param seed the seed the random corruptions were drawn from
 * @param complete false while (or if) the evaluation stopped before every corruption was done
 * @param corruptions the corruptions finished, in the order run
 */
public record CorruptionAccuracies(long evaluated, long seed, boolean complete, List<Corruption> corruptions) {
    public CorruptionAccuracies {
        corruptions = List.copyOf(corruptions);
    }

    /**
     * One corruption.
     *
     * @param name its name as in the paper, lower case with dashes ({@code gaussian-noise}, {@code contrast}, …)
     * @param bySeverity accuracy at severities 1 to 5
     */
    public record Corruption(String name, List<Double> bySeverity) {
        public Corruption {
            bySeverity = List.copyOf(bySeverity);
            if (bySeverity.isEmpty()) throw new IllegalArgumentException("corruption " + name + " without severities");
        }

        /** Mean accuracy over the severities. */
        @JsonIgnore
        public double meanAccuracy() {
            return bySeverity.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }
    }

    /** Mean corruption accuracy: the mean over corruptions of their mean over severities; NaN with none. */
    @JsonIgnore
    public double meanAccuracy() {
        return corruptions.stream().mapToDouble(Corruption::meanAccuracy).average().orElse(Double.NaN);
    }

    /** Mean over corruptions at severity {@code s} (1 to 5). */
    public double meanAtSeverity(int s) {
        return corruptions.stream().mapToDouble(c -> c.bySeverity().get(s - 1)).average().orElse(Double.NaN);
    }
}
