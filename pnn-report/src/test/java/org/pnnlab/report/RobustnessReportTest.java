package org.pnnlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.pnnlab.api.run.CorruptionAccuracies;
import org.pnnlab.api.run.GradientMaskingChecks;
import org.pnnlab.api.run.GradientMaskingChecks.Check;
import org.pnnlab.api.run.GradientMaskingChecks.CheckResult;
import org.pnnlab.api.run.GradientMaskingChecks.SweepPoint;
import org.pnnlab.api.run.RobustnessRecord;
import org.pnnlab.api.run.RunRecord;

class RobustnessReportTest {
    static final Map<String, Object> THREAT = Map.of("eps", 0.1, "step", 0.0355, "steps", 7);

    static RobustnessRecord entry(String name, String attack, String gradient, String classify, long correct, long n) {
        return new RobustnessRecord(name, attack, gradient, classify, (double) correct / n, correct, n, 10_000,
                n < 10_000, 1, attack.equals("clean") ? Map.of() : THREAT, Map.of(), null, 1.0, "2025-01-01T00:00:00Z");
    }

    static String render(List<RunRecord> runs) {
        return ReportGenerator.render(runs, List.of(), ZonedDateTime.parse("2025-01-02T00:00:00Z"));
    }

    static List<String> rows(String html) {
        int s = html.indexOf("<section id=\"robustness\"");
        String sec = html.substring(s, html.indexOf("</section>", s));
        String body = sec.substring(sec.indexOf("<tbody>"), sec.indexOf("</tbody>"));
        return Pattern.compile("<tr>.*?</tr>", Pattern.DOTALL).matcher(body).results().map(m -> m.group()).toList();
    }

    @Test
    void feedbackAndPlainRunsFillTheirColumnsAndTheMinimum() {
        RunRecord cnnf = Fixtures.run("fmnist-cnnf-adv", "conv", 1, RunRecord.COMPLETED, new double[] {0.8}, 0.8, null,
                Fixtures.clean()).withRobustness(List.of(
                entry("clean", "clean", "none", "average", 8_000, 10_000),
                entry("pgd-first", "pgd", "first", "average", 6_000, 10_000),
                entry("pgd-e2e", "pgd", "e2e", "average", 6_500, 10_000),
                entry("spsa-first", "spsa", "first", "average", 140, 200),
                entry("transfer", "transfer", "source", "average", 7_000, 10_000)));
        RunRecord cnn = Fixtures.run("fmnist-cnn-adv", "conv", 1, RunRecord.COMPLETED, new double[] {0.7}, 0.7, null,
                Fixtures.clean()).withRobustness(List.of(
                entry("clean", "clean", "none", "model", 7_000, 10_000),
                entry("pgd-first", "pgd", "first", "model", 5_000, 10_000)));
        RunRecord plain = Fixtures.run("mnist-lenet-conv", "conv", 1, RunRecord.COMPLETED, new double[] {0.9}, 0.9, null,
                Fixtures.clean());
        String html = render(List.of(cnnf, cnn, plain));
        List<String> rows = rows(html);
        assertEquals(2, rows.size(), "only attacked runs are listed");
        String c = rows.stream().filter(r -> r.contains("fmnist-cnnf-adv")).findFirst().orElseThrow();
        assertTrue(c.contains("80.00%") && c.contains("60.00%") && c.contains("65.00%") && c.contains("70.00%"), c);
        assertTrue(c.contains("(first 200)"), "a subset is marked: " + c);
        assertTrue(c.contains("eps 0.1000, step 0.03550, 7 steps"), c);
        // min over the attack columns (not clean): 60%
        assertTrue(c.matches("(?s).*data-sort=\"0.6\">60.00%</td><td>eps.*"), c);
        String p = rows.stream().filter(r -> r.contains("fmnist-cnn-adv")).findFirst().orElseThrow();
        // no feedback: the first-pass PGD is also the end-to-end one
        assertEquals(2, p.split("50.00%", -1).length - 2, "pgd in both columns and as the minimum: " + p);
        assertTrue(html.contains("attacked only the first N test images"));
    }

    @Test
    void columnsComeFromTheRecordsSoFgsmAndNewAttacksCountInTheMinimum() {
        RunRecord r = Fixtures.run("fmnist-convnorm-robust", "conv", 1, RunRecord.COMPLETED, new double[] {0.8}, 0.8,
                null, Fixtures.freeAdv()).withRobustness(List.of(
                entry("clean", "clean", "none", "model", 8_000, 10_000),
                entry("fgsm-first", "fgsm", "first", "model", 3_000, 10_000),
                entry("pgd-first", "pgd", "first", "model", 4_000, 10_000),
                entry("my-attack-first", "my-attack", "first", "model", 2_500, 10_000)));
        String html = render(List.of(r));
        int s = html.indexOf("<section id=\"robustness\"");
        String head = html.substring(s, html.indexOf("</thead>", s));
        assertTrue(head.indexOf(">clean<") < head.indexOf(">fgsm-first<")
                && head.indexOf(">fgsm-first<") < head.indexOf(">pgd-first<")
                && head.indexOf(">pgd-first<") < head.indexOf(">my-attack-first<"), head);
        assertFalse(head.contains("pgd-e2e") || head.contains("spsa"), "no column without a record: " + head);
        String row = rows(html).get(0);
        assertTrue(row.matches("(?s).*data-sort=\"0.25\">25.00%</td><td>eps.*"), "the new attack is the minimum: " + row);
        int c = html.indexOf("<section id=\"conditions\"");
        assertTrue(c < 0 || html.substring(c).contains("MY-ATTACK"), "condition tables name every attack present");
    }

    @Test
    void noSectionWithoutAttackedRuns() {
        String html = render(List.of(Fixtures.run("mnist-lenet-conv", "conv", 1, RunRecord.COMPLETED, new double[] {0.9},
                0.9, null, Fixtures.clean())));
        assertFalse(html.contains("id=\"robustness\""));
    }

    static GradientMaskingChecks checks(boolean gradientsOk) {
        return new GradientMaskingChecks("average", 200, true, 0.1, 0.015, 0.6,
                List.of(new SweepPoint(0, 0.8), new SweepPoint(0.1, 0.6), new SweepPoint(1, gradientsOk ? 0.0 : 0.55)),
                gradientsOk ? 0 : 1, 0, List.of(
                CheckResult.of(Check.EPS_SWEEP_FALLS, true, 0, "falls"),
                CheckResult.of(Check.LARGE_EPS_AT_CHANCE, gradientsOk, gradientsOk ? 0.0 : 0.55, "PGD at eps 1: 55.0%"),
                CheckResult.skipped(Check.BLACK_BOX, "the square attack is not registered"),
                CheckResult.of(Check.GRADIENTS, gradientsOk, gradientsOk ? 0 : 1, "100.0% of the images have an all-zero input gradient")));
    }

    @Test
    void aFailedMaskingCheckMarksTheNumberAndTheSweepIsPlotted() {
        RunRecord masked = Fixtures.run("fmnist-cnnf-adv", "conv", 1, RunRecord.COMPLETED, new double[] {0.8}, 0.8, null,
                Fixtures.clean()).withRobustness(List.of(
                entry("clean", "clean", "none", "average", 8_000, 10_000),
                entry("pgd-first", "pgd", "first", "average", 6_000, 10_000).withMasking(checks(false)),
                entry("pgd-e2e", "pgd", "e2e", "average", 6_500, 10_000).withMasking(checks(false)),
                entry("pgd-average", "pgd", "average", "average", 6_200, 10_000).withMasking(checks(false))));
        RunRecord sound = Fixtures.run("fmnist-cnn-adv", "conv", 1, RunRecord.COMPLETED, new double[] {0.7}, 0.7, null,
                Fixtures.clean()).withRobustness(List.of(
                entry("pgd-first", "pgd", "first", "model", 5_000, 10_000).withMasking(checks(true))));
        String html = render(List.of(masked, sound));
        List<String> rows = rows(html);
        String m = rows.stream().filter(r -> r.contains("fmnist-cnnf-adv")).findFirst().orElseThrow();
        String s = rows.stream().filter(r -> r.contains("fmnist-cnn-adv")).findFirst().orElseThrow();
        assertEquals(3, m.split("possible gradient masking — this accuracy is an upper bound", -1).length - 1,
                "every white-box figure of the failed evaluation is marked: " + m);
        assertTrue(m.contains("failed: at a large eps accuracy is at most chance; input gradients are non-zero and finite"), m);
        assertFalse(s.contains("gradient masking"), "passed checks leave the number alone: " + s);
        // the adaptive column sits beside the reference's two, each labelled
        String head = html.substring(html.indexOf("<section id=\"robustness\""));
        head = head.substring(0, head.indexOf("</thead>"));
        assertTrue(head.indexOf("pgd-first") < head.indexOf("pgd-e2e") && head.indexOf("pgd-e2e") < head.indexOf("pgd-average"), head);
        assertTrue(head.contains("first pass (reference)") && head.contains("last cycle, end to end (reference)")
                && head.contains("average over cycles, end to end (as classified)"), head);
        // the checks table and the eps sweep chart
        String sec = html.substring(html.indexOf("<section id=\"masking\""));
        sec = sec.substring(0, sec.indexOf("</section>"));
        assertTrue(sec.contains("verdict worse") && sec.contains("verdict better") && sec.contains("skipped"), sec);
        assertTrue(sec.contains("id=\"chart-eps-sweep\"") && sec.contains("<svg"), "the sweep is plotted");
        assertEquals(2, sec.split("<tr><td>", -1).length - 1, "one row per evaluation with checks: " + sec);
    }

    @Test
    void corruptionsGetATableAndStayOutOfTheMinimum() {
        CorruptionAccuracies c = new CorruptionAccuracies(1000, 1, true, List.of(
                new CorruptionAccuracies.Corruption("gaussian-noise", List.of(0.9, 0.8, 0.7, 0.6, 0.5)),
                new CorruptionAccuracies.Corruption("contrast", List.of(0.9, 0.9, 0.9, 0.9, 0.9))));
        RobustnessRecord e = new RobustnessRecord("corruptions", "corruptions", "none", "model", c.meanAccuracy(), 0, 0,
                10_000, false, 1, Map.of(), Map.of(), null, 1.0, "2025-01-01T00:00:00Z", null, null, c);
        RunRecord r = Fixtures.run("mnist-lenet-conv", "conv", 1, RunRecord.COMPLETED, new double[] {0.9}, 0.9, null,
                Fixtures.clean()).withRobustness(List.of(entry("pgd-first", "pgd", "first", "model", 2_000, 10_000), e));
        String html = render(List.of(r));
        String sec = html.substring(html.indexOf("<section id=\"corruptions\""));
        sec = sec.substring(0, sec.indexOf("</section>"));
        assertTrue(sec.contains("80.00%"), "mean corruption accuracy (0.7 + 0.9) / 2: " + sec);
        assertTrue(sec.contains("70.00%") && sec.contains("90.00%"), "per corruption: " + sec);
        assertTrue(sec.contains("severities 1-5: 90.00%, 80.00%, 70.00%, 60.00%, 50.00%"), sec);
        assertTrue(sec.contains("Severity 5") && sec.contains("data-sort=\"0.7\">70.00%"), "severity 5 mean: " + sec);
        String row = rows(html).get(0);
        assertTrue(row.matches("(?s).*data-sort=\"0.2\">20.00%</td><td>eps.*"), "min is PGD's, not the corruptions': " + row);
    }
}
