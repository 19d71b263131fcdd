package org.pnnlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.LayerChoice;
import org.pnnlab.api.run.ModelConfig;
import org.pnnlab.api.run.RobustnessRecord;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;

class CsvExportTest {
    @TempDir
    Path tmp;

    @Test
    void oneRowPerRunWithEveryConfigurationFieldAndMetric() throws Exception {
        RunConfig c = Fixtures.config("e", "perturbation", 1, 2);
        c = c.withModel(ModelConfig.everySlot("lenet", Map.of(), LayerChoice.of("perturbation", Map.of("nmasks", 4))));
        c = Fixtures.all(Fixtures.noise(0.4), Fixtures.subset(0.1)).apply(c);
        RunRecord a = Fixtures.run(c, RunRecord.COMPLETED, new double[] {0.80, 0.85}, 0.85, null);
        RobustnessRecord pgd = new RobustnessRecord("pgd-first", "pgd", "first", "model", 0.25, 2500, 10000, 10000,
                false, 1, Map.of("eps", 0.1), Map.of(), null, 1.0, "2025-01-01T00:00:00Z");
        a = a.withRobustness(List.of(pgd));
        RunRecord rerun = Fixtures.withRunId(Fixtures.run(c, RunRecord.COMPLETED, new double[] {0.5}, 0.5, null),
                a.runId() + "-r2");
        RunRecord b = Fixtures.run("e", "conv", 2, RunRecord.INTERRUPTED, new double[] {0.7}, 3, Double.NaN, null,
                Fixtures.clean());
        Path runs = tmp.resolve("runs");
        for (RunRecord r : List.of(a, rerun, b)) {
            RunStore.write(runs.resolve(r.experiment()).resolve(r.runId()).resolve(RunStore.RUN_JSON), r);
        }

        Path out = ReportCommand.writeCsv(runs, tmp.resolve("out/runs.csv"));
        List<CSVRecord> rows;
        List<String> header;
        try (Reader in = Files.newBufferedReader(out);
             CSVParser p = CSVParser.builder().setReader(in)
                     .setFormat(CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).get()).get()) {
            header = p.getHeaderNames();
            rows = p.getRecords();
        }
        assertEquals(3, rows.size());
        assertTrue(header.containsAll(List.of("runId", "configHash", "data.labelNoise", "data.subset",
                "model.otherSlots.params.nmasks", "optim.learningRate", "seed", "facts.parameterCount",
                "finalTestAccuracy", "accuracy", "bestTestAccuracySelectedOnTestSet", "robustness.pgd-first")), header
                .toString());
        // sorted by experiment, layer (conv first), seed, run id
        CSVRecord conv = rows.get(0);
        CSVRecord first = rows.get(1);
        CSVRecord repeat = rows.get(2);
        assertEquals(b.runId(), conv.get("runId"));
        assertEquals("interrupted", conv.get("status"));
        assertEquals("", conv.get("finalTestAccuracy"), "no final result: an empty cell");
        assertEquals("", conv.get("model.otherSlots.params.nmasks"));

        assertEquals(a.runId(), first.get("runId"));
        assertEquals("0.4", first.get("data.labelNoise"));
        assertEquals("4", first.get("model.otherSlots.params.nmasks"));
        assertEquals("sym-noise 40%, subset 10%", first.get("condition"), "a comma inside a value is quoted");
        assertEquals("0.85", first.get("finalTestAccuracy"));
        assertEquals("0.85", first.get("accuracy"));
        assertEquals("finalTestAccuracy", first.get("accuracyIs"));
        assertEquals("8500", first.get("testCorrect"));
        assertEquals("0.25", first.get("robustness.pgd-first"));
        assertEquals("1234567", first.get("facts.parameterCount"));
        assertEquals(c.configHash(), first.get("configHash"));
        assertEquals("true", first.get("counted"));

        assertEquals(rerun.runId(), repeat.get("runId"));
        assertEquals("false", repeat.get("counted"), "a repeated seed is marked as not counted");
        assertEquals("", repeat.get("robustness.pgd-first"));
    }

    @Test
    void aFolderAsOutputIsOneClearError() throws Exception {
        Path runs = tmp.resolve("runs");
        RunRecord a = Fixtures.sample().get(0);
        RunStore.write(runs.resolve(a.experiment()).resolve(a.runId()).resolve(RunStore.RUN_JSON), a);
        PnnException e = assertThrows(PnnException.class, () -> ReportCommand.writeCsv(runs, tmp));
        assertTrue(e.getMessage().contains("is a folder"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }
}
