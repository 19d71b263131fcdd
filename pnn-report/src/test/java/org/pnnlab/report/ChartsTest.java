package org.pnnlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.pnnlab.api.run.Condition;
import org.pnnlab.api.run.NoiseType;
import org.pnnlab.api.run.RunRecord;

class ChartsTest {
    private static final ZonedDateTime NOW = ZonedDateTime.parse("2025-01-02T00:00:00Z");

    private static String figure(String html, String marker) {
        int start = html.indexOf(marker);
        assertTrue(start >= 0, marker + " missing");
        return html.substring(start, html.indexOf("</figure>", start));
    }

    private static int count(String s, String regex) {
        return (int) Pattern.compile(regex).matcher(s).results().count();
    }

    @Test
    void theConditionAxisIsTheOneThatVaries() {
        Condition clean = Condition.CLEAN;
        Condition n2 = new Condition(0.2, NoiseType.SYMMETRIC, 1, null);
        Condition n4 = new Condition(0.4, NoiseType.SYMMETRIC, 1, null);
        Condition a4 = new Condition(0.4, NoiseType.ASYMMETRIC, 1, null);
        Condition s1 = new Condition(0, NoiseType.SYMMETRIC, 0.1, null);
        assertEquals("noise", ConditionTables.axis(List.of(clean, n2, n4)));
        assertEquals("subset", ConditionTables.axis(List.of(clean, s1)));
        assertNull(ConditionTables.axis(List.of(clean, n4, s1)), "two axes at once");
        assertNull(ConditionTables.axis(List.of(n4, a4)), "two noise types");
        assertNull(ConditionTables.axis(List.of(clean)));
    }

    @Test
    void accuracyAgainstNoiseRateHasOneLinePerLayerWithABand() {
        List<RunRecord> runs = new ArrayList<>();
        double[] rates = {0, 0.2, 0.4};
        for (String layer : List.of("conv", "perturbation")) {
            for (double rate : rates) {
                for (int seed = 1; seed <= 2; seed++) {
                    double acc = 0.9 - rate / 2 + 0.01 * seed;
                    runs.add(Fixtures.run("fam", layer, seed, RunRecord.COMPLETED, new double[] {acc}, acc, null,
                            rate == 0 ? Fixtures.clean() : Fixtures.noise(rate)));
                }
            }
        }
        String html = ReportGenerator.render(runs, List.of(), NOW);
        String chart = figure(html, "<figure class=\"chart-box condition-chart\">");
        assertEquals(2, count(chart, "<polyline"), "one line per layer");
        assertEquals(2, count(chart, "<polygon class=\"band\""), "a band per layer (two seeds each)");
        assertTrue(chart.contains(">Label noise rate (%)</text>"), chart);
        for (String tick : List.of(">0<", ">20<", ">40<")) assertTrue(chart.contains(tick), tick);
        // the conv mean at 40% noise: (0.71 + 0.72) / 2 = 71.50, sd 0.71
        assertTrue(chart.contains("conv \u2014 label noise rate 40: 71.50% \u00b1 0.71"), chart);
    }

    @Test
    void groupLearningCurvesShowTheMeanWithABandOnlyWhereSeedsRepeat() {
        List<RunRecord> runs = List.of(
                Fixtures.run("e", "conv", 1, RunRecord.COMPLETED, new double[] {0.80, 0.90}, 0.90, null, Fixtures.clean()),
                Fixtures.run("e", "conv", 2, RunRecord.COMPLETED, new double[] {0.82, 0.92}, 0.92, null, Fixtures.clean()));
        String chart = figure(ReportGenerator.render(runs, List.of(), NOW), "<figure class=\"chart-box\" id=\"chart-groups\">");
        assertEquals(1, count(chart, "<polyline"));
        assertEquals(1, count(chart, "<polygon class=\"band\""));
        assertTrue(chart.contains("e / conv (n=2) \u2014 epoch 2: 91.00% \u00b1 1.41"), chart);

        String single = ReportGenerator.render(runs.subList(0, 1), List.of(), NOW);
        assertFalse(single.contains("id=\"chart-groups\""), "one seed: the per-run chart says it all");
    }
}
