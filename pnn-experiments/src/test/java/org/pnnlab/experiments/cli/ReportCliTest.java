package org.pnnlab.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.run.DataConfig;
import org.pnnlab.api.run.EnvironmentInfo;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.FinalMetrics;
import org.pnnlab.api.run.LayerChoice;
import org.pnnlab.api.run.ModelConfig;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.run.RunFacts;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;

/** {@code pnn report RUNS -o FILE --csv FILE}. */
class ReportCliTest {
    @Test
    void reportWritesTheHtmlAndTheCsv(@TempDir Path tmp) throws Exception {
        RunConfig c = RunConfig.of("e", DataConfig.of("mnist").withLabelNoise(0.2, org.pnnlab.api.run.NoiseType.SYMMETRIC),
                ModelConfig.everySlot("lenet", Map.of(), LayerChoice.of("conv")));
        RunRecord r = RunRecord.start(c, c.runId(), new RunFacts(10, 0, 100, 0, 10, 2, 0, 0),
                        new EnvironmentInfo("17", "v", "Linux", 2, "nd4j-native", "blas", "abc", "0.1"))
                .withEpoch(EpochRecord.of(1, 0.5, 9, 10, 1), 1)
                .finish(RunRecord.COMPLETED, new FinalMetrics(0.9, 9, 10, 0.9, 1, null), 1, "2025-01-01T00:00:00Z");
        Path runs = tmp.resolve("runs");
        RunStore.write(runs.resolve("e").resolve(r.runId()).resolve(RunStore.RUN_JSON), r);

        CliTest.Result res = CliTest.cli("report", runs.toString(), "-o", tmp.resolve("r.html").toString(), "--csv",
                tmp.resolve("runs.csv").toString());
        assertEquals(0, res.code(), res.err());
        assertTrue(Files.readString(tmp.resolve("r.html")).contains(r.runId()));
        List<String> lines = Files.readAllLines(tmp.resolve("runs.csv"));
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains(",data.labelNoise,"), lines.get(0));
        assertTrue(lines.get(1).startsWith(r.runId() + ",completed,"), lines.get(1));
    }

    @Test
    void anEmptyRunsFolderWithCsvIsOneLineError(@TempDir Path tmp) throws Exception {
        Path runs = tmp.resolve("runs");
        Files.createDirectories(runs);
        CliTest.assertUserError(CliTest.cli("report", runs.toString(), "--csv", tmp.toString()), "no runs found");
    }
}
