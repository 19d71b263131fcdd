package org.pnnlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.FinalMetrics;
import org.pnnlab.api.run.LayerChoice;
import org.pnnlab.api.run.ModelConfig;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.run.RunRecord;

class GroupsTest {
    private static final ZonedDateTime NOW = ZonedDateTime.of(2025, 3, 4, 5, 6, 7, 0, ZoneOffset.UTC);

    private static RunRecord run(RunConfig c, long seed, double acc) {
        return Fixtures.run(c.withSeed(seed), RunRecord.COMPLETED, new double[] {acc - 0.01, acc}, acc, null);
    }

    private static List<String> groupRows(String page) {
        int start = page.indexOf("<section id=\"groups\"");
        String s = page.substring(start, page.indexOf("</section>", start));
        String body = s.substring(s.indexOf("<tbody>"), s.indexOf("</tbody>"));
        return Pattern.compile("<tr>.*?</tr>", Pattern.DOTALL).matcher(body).results().map(m -> m.group()).toList();
    }

    @Test
    void twoConfigurationsThatDifferOnlyInLearningRateAreTwoGroupsNamingTheDifference() {
        RunConfig base = Fixtures.config("e", "conv", 1, 2);
        RunConfig slow = base.withOptim(base.optim().withLearningRate(1e-4));
        RunConfig fast = base.withOptim(base.optim().withLearningRate(1e-2));
        List<RunRecord> runs = List.of(run(slow, 1, 0.92), run(slow, 2, 0.94), run(fast, 1, 0.80), run(fast, 2, 0.82));

        List<Groups.Group> groups = Groups.of(runs);
        assertEquals(2, groups.size());
        for (Groups.Group g : groups) {
            assertEquals(1, g.counted().stream().map(r -> r.config().configHash()).distinct().count());
            assertEquals(2, g.counted().size());
        }
        Map<Groups.Group, String> d = Groups.distinctions(groups);
        assertEquals(java.util.Set.of("optim.learningRate=1.0E-4", "optim.learningRate=0.01"),
                java.util.Set.copyOf(d.values()), "the learning rate is the only difference: " + d);

        List<String> rows = groupRows(ReportGenerator.render(runs, List.of(), NOW));
        assertEquals(2, rows.size(), rows.toString());
        String slowRow = rows.stream().filter(r -> r.contains("optim.learningRate=1.0E-4")).findFirst().orElseThrow();
        String fastRow = rows.stream().filter(r -> r.contains("optim.learningRate=0.01")).findFirst().orElseThrow();
        assertTrue(slowRow.contains("93.00% \u00b1 1.41"), slowRow);   // mean of 92 and 94, s = sqrt(2)
        assertTrue(fastRow.contains("81.00% \u00b1 1.41"), fastRow);
        assertTrue(slowRow.contains(slow.configHash()) && fastRow.contains(fast.configHash()));
    }

    @Test
    void aGroupAloneWithItsExperimentLayerAndConditionHasNoDistinction() {
        RunConfig a = Fixtures.config("e", "conv", 1, 2);
        RunConfig b = Fixtures.config("e", "perturbation", 1, 2);
        Map<Groups.Group, String> d = Groups.distinctions(Groups.of(List.of(run(a, 1, 0.9), run(b, 1, 0.9))));
        assertEquals(List.of("", ""), List.copyOf(d.values()));
    }

    @Test
    void aRepeatedSeedCountsOnceTheFirstCompletedRunAndIsFlagged() {
        RunConfig c = Fixtures.config("e", "conv", 1, 2);
        RunRecord s1 = run(c, 1, 0.90);
        RunRecord s2 = run(c, 2, 0.92);
        // a rerun of seed 2, started later, with a very different result: counting it would move the mean to 91.67
        RunRecord rerun = Fixtures.withRunId(run(c, 2, 0.50), s2.runId() + "-r2");
        rerun = new RunRecord(rerun.schemaVersion(), rerun.runId(), rerun.status(), rerun.config(), rerun.facts(),
                rerun.environment(), rerun.process(), rerun.epochs(), rerun.finalMetrics(), 1,
                "2025-02-01T00:00:00Z", rerun.updatedAt(), rerun.finishedAt(), rerun.robustness());
        // listed before the original: the order of the files found does not decide which counts
        List<Groups.Group> groups = Groups.of(List.of(rerun, s1, s2));
        assertEquals(1, groups.size());
        Groups.Group g = groups.get(0);
        assertEquals(List.of(s1.runId(), s2.runId()), g.counted().stream().map(RunRecord::runId).toList());
        assertEquals(List.of(rerun.runId()), g.repeats().stream().map(RunRecord::runId).toList());

        String row = groupRows(ReportGenerator.render(List.of(rerun, s1, s2), List.of(), NOW)).get(0);
        assertTrue(row.contains("91.00% \u00b1 1.41"), row);   // 90 and 92 only
        assertTrue(row.contains("seed 2: <span class=\"mono\">" + rerun.runId() + "</span> not counted; counted "
                + "<span class=\"mono\">" + s2.runId() + "</span>"), row);
        assertTrue(row.contains("<td class=\"num\" data-sort=\"2.0\">2</td>"), "two seeds counted: " + row);
    }

    @Test
    void anIncompleteFirstRunGivesWayToACompletedRerunOfTheSameSeed() {
        RunConfig c = Fixtures.config("e", "conv", 1, 2);
        RunRecord failed = Fixtures.with(run(c, 1, 0.9), RunRecord.FAILED, null);
        RunRecord rerun = Fixtures.withRunId(run(c, 1, 0.95), failed.runId() + "-r2");
        Groups.Group g = Groups.of(List.of(failed, rerun)).get(0);
        assertEquals(List.of(rerun.runId()), g.counted().stream().map(RunRecord::runId).toList());
        assertEquals(Map.of(1L, 0.95), g.accuracyBySeed());
    }

    @Test
    void summariesUseTheTestAccuracyAtTheBestValidationEpochNeverTheBestTestAccuracy() {
        RunConfig c = Fixtures.config("e", "conv", 1, 3);
        c = c.withData(c.data().withValidation(0.1));
        List<RunRecord> runs = new ArrayList<>();
        for (long seed = 1; seed <= 2; seed++) {
            RunRecord r = run(c, seed, 0.90);
            List<EpochRecord> epochs = List.of(
                    new EpochRecord(1, 0.5, 0.95, 9500, 10000, null, 1).withValidation(800, 1000),   // best test
                    new EpochRecord(2, 0.4, 0.85 + 0.01 * seed, 8600, 10000, null, 1).withValidation(950, 1000),
                    new EpochRecord(3, 0.3, 0.90, 9000, 10000, null, 1).withValidation(900, 1000));
            FinalMetrics f = new FinalMetrics(0.90, 9000, 10000, 0.95, 1, null).withValidation(epochs);
            runs.add(new RunRecord(r.schemaVersion(), r.runId(), r.status(), r.config(), r.facts(), r.environment(),
                    null, epochs, f, 1, r.startedAt(), r.updatedAt(), r.finishedAt(), r.robustness()));
        }
        assertEquals(0.86, Accuracy.of(runs.get(0)), 1e-12);
        String page = ReportGenerator.render(runs, List.of(), NOW);
        String row = groupRows(page).get(0);
        assertTrue(row.contains("86.50% \u00b1 0.71"), row);   // 86 and 87: test accuracy of epoch 2
        assertFalse(row.contains("95.00%") || row.contains("90.00%"), row);
        String runs0 = page.substring(page.indexOf("<section id=\"runs\""));
        assertTrue(runs0.contains("Test accuracy at best validation epoch"), "column shown");
        assertTrue(runs0.contains("86.00% <span class=\"sub\">(ep.\u00a02)</span>"), runs0);
        assertTrue(runs0.contains(ReportGenerator.BEST_TEST_HEADER), "the test-selected figure is labelled as such");
        assertTrue(ReportGenerator.BEST_TEST_HEADER.contains("selected on the test set"));
    }

    @Test
    void configurationFieldsAreFlattenedByTheirJsonPath() {
        RunConfig c = Fixtures.config("e", "perturbation", 3, 2);
        c = c.withModel(ModelConfig.everySlot("lenet", Map.of(), LayerChoice.of("perturbation", Map.of("nmasks", 4))));
        c = c.withData(c.data().withLabelNoise(0.4, org.pnnlab.api.run.NoiseType.ASYMMETRIC));
        Map<String, String> f = ConfigFields.of(c);
        assertEquals("4", f.get("model.otherSlots.params.nmasks"));
        assertEquals("0.4", f.get("data.labelNoise"));
        assertEquals("mnist", f.get("data.dataset"));
        assertEquals("3", f.get("seed"));
        assertTrue(f.keySet().stream().noneMatch(k -> k.endsWith(".")), f.toString());
    }
}
