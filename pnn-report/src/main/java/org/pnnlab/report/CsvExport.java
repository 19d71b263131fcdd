package org.pnnlab.report;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.run.FinalMetrics;
import org.pnnlab.api.run.RobustnessRecord;
import org.pnnlab.api.run.RunRecord;

/**
 * The runs as CSV (RFC 4180, written by Apache Commons CSV), one row per run: its id, status, configuration hash,
 * condition, whether it counts in its group (a repeated seed does not), then every configuration field by its JSON path
 * ({@code data.labelNoise}, {@code model.otherSlots.params.nmasks}, ...; see {@link ConfigFields}), the run's facts
 * ({@code facts.*}), its metrics, and the accuracy under each attack ({@code robustness.<name>}). Accuracies are
 * fractions of the whole test set; a missing value is an empty cell. Columns are the union over the runs.
 */
final class CsvExport {
    /** The metric columns, in order. */
    static final List<String> METRICS = List.of("epochsDone", "finalTestAccuracy", "testCorrect", "testTotal",
            "accuracy", "accuracyIs", "bestValidationAccuracy", "bestValidationEpoch", "testAccuracyAtBestValidation",
            "bestTestAccuracySelectedOnTestSet", "bestTestEpoch", "legacySmoothedMonitorBest", "wallTimeSeconds");

    private CsvExport() {
    }

    /** The CSV text of {@code runs}, sorted by experiment, layer, seed and run id. */
    static String csv(List<RunRecord> runs) {
        List<RunRecord> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparing(RunRecord::experiment).thenComparing(RunRecord::layer)
                .thenComparingLong(RunRecord::seed).thenComparing(RunRecord::runId));
        Set<RunRecord> repeats = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Groups.Group g : Groups.of(sorted)) repeats.addAll(g.repeats());

        List<Map<String, String>> rows = new ArrayList<>();
        Set<String> configColumns = new LinkedHashSet<>();
        Set<String> factColumns = new LinkedHashSet<>();
        Set<String> attackColumns = new LinkedHashSet<>();
        for (RunRecord r : sorted) {
            Map<String, String> row = new LinkedHashMap<>();
            row.put("runId", r.runId());
            row.put("status", r.effectiveStatus());
            row.put("configHash", r.config().configHash());
            row.put("condition", r.config().condition().label());
            row.put("counted", Boolean.toString(!repeats.contains(r)));
            Map<String, String> config = ConfigFields.of(r.config());
            configColumns.addAll(config.keySet());
            row.putAll(config);
            if (r.facts() != null) {
                Map<String, String> facts = ConfigFields.of(r.facts(), "facts");
                factColumns.addAll(facts.keySet());
                row.putAll(facts);
            }
            metrics(r, row);
            for (RobustnessRecord e : r.robustness()) {
                String c = "robustness." + e.name();
                attackColumns.add(c);
                row.put(c, Double.toString(e.accuracy()));
            }
            rows.add(row);
        }
        List<String> header = new ArrayList<>(List.of("runId", "status", "configHash", "condition", "counted"));
        header.addAll(configColumns);
        header.addAll(factColumns);
        header.addAll(METRICS);
        header.addAll(attackColumns);

        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, CSVFormat.DEFAULT.builder()
                .setHeader(header.toArray(String[]::new)).setRecordSeparator("\n").get())) {
            for (Map<String, String> row : rows) {
                List<String> values = new ArrayList<>(header.size());
                for (String h : header) values.add(row.getOrDefault(h, ""));
                printer.printRecord(values);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void metrics(RunRecord r, Map<String, String> row) {
        row.put("epochsDone", Integer.toString(r.epochs().size()));
        row.put("wallTimeSeconds", Double.toString(r.wallTimeSeconds()));
        Double accuracy = Accuracy.of(r);
        put(row, "accuracy", accuracy);
        if (accuracy != null) {
            row.put("accuracyIs", Accuracy.atBestValidation(r) ? "testAccuracyAtBestValidation" : "finalTestAccuracy");
        }
        FinalMetrics f = r.finalMetrics();
        if (f == null) return;
        put(row, "finalTestAccuracy", f.testAccuracy());
        row.put("testCorrect", Long.toString(f.testCorrect()));
        row.put("testTotal", Long.toString(f.testTotal()));
        put(row, "bestValidationAccuracy", f.bestValidationAccuracy());
        if (f.bestValidationEpoch() != null) row.put("bestValidationEpoch", f.bestValidationEpoch().toString());
        put(row, "testAccuracyAtBestValidation", f.testAccuracyAtBestValidation());
        put(row, "bestTestAccuracySelectedOnTestSet", f.bestTestAccuracy());
        row.put("bestTestEpoch", Integer.toString(f.bestEpoch()));
        put(row, "legacySmoothedMonitorBest", f.bestLegacySmoothedAccuracy());
    }

    private static void put(Map<String, String> row, String name, @Nullable Double v) {
        if (v != null && Double.isFinite(v)) row.put(name, Double.toString(v));
    }
}
