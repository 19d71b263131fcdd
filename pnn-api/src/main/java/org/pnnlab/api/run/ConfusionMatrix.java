package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts of an evaluation by true class (rows) and predicted class (columns); stored in {@code run.json} as a list of
 * rows. The diagonal over the row sums is the per-class accuracy. (Plain Java: the report reads it without ND4J;
 * {@code org.pnnlab.models.Confusions} counts it from arrays.)
 */
public record ConfusionMatrix(List<List<Long>> counts) {
    public ConfusionMatrix {
        List<List<Long>> copy = new ArrayList<>();
        for (List<Long> row : counts) {
            if (row.size() != counts.size()) {
                throw new IllegalArgumentException("a confusion matrix is square, got a row of " + row.size() + " in "
                        + counts.size());
            }
            copy.add(List.copyOf(row));
        }
        counts = List.copyOf(copy);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static ConfusionMatrix fromJson(List<List<Long>> counts) {
        return new ConfusionMatrix(counts);
    }

    @JsonValue
    @Override
    public List<List<Long>> counts() {
        return counts;
    }

    /** An empty matrix of {@code classes} classes. */
    public static ConfusionMatrix empty(int classes) {
        List<List<Long>> rows = new ArrayList<>();
        for (int i = 0; i < classes; i++) rows.add(java.util.Collections.nCopies(classes, 0L));
        return new ConfusionMatrix(rows);
    }

    public int classes() {
        return counts.size();
    }

    /** The cell-wise sum (batches of one evaluation, or runs of one group). */
    public ConfusionMatrix plus(ConfusionMatrix other) {
        if (other.classes() != classes()) throw new IllegalArgumentException("class counts differ");
        List<List<Long>> rows = new ArrayList<>();
        for (int i = 0; i < classes(); i++) {
            List<Long> row = new ArrayList<>();
            for (int j = 0; j < classes(); j++) row.add(counts.get(i).get(j) + other.counts.get(i).get(j));
            rows.add(row);
        }
        return new ConfusionMatrix(rows);
    }

    /** Correct predictions of each true class over its images (NaN for a class without images). */
    public double[] perClassAccuracy() {
        double[] acc = new double[classes()];
        for (int i = 0; i < acc.length; i++) {
            long total = counts.get(i).stream().mapToLong(Long::longValue).sum();
            acc[i] = total == 0 ? Double.NaN : (double) counts.get(i).get(i) / total;
        }
        return acc;
    }
}
