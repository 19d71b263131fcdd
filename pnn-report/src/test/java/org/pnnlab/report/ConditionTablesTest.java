package org.pnnlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pnnlab.report.Fixtures.all;
import static org.pnnlab.report.Fixtures.asymNoise;
import static org.pnnlab.report.Fixtures.clean;
import static org.pnnlab.report.Fixtures.freeAdv;
import static org.pnnlab.report.Fixtures.noise;
import static org.pnnlab.report.Fixtures.pgdAdv;
import static org.pnnlab.report.Fixtures.subset;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.pnnlab.api.run.Condition;
import org.pnnlab.api.run.NoiseType;
import org.pnnlab.api.run.RobustnessRecord;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.run.RunRecord;

class ConditionTablesTest {
    private static final String PM = " \u00b1 ";

    static RunRecord run(String experiment, String layer, UnaryOperator<RunConfig> condition, long seed,
                         double finalAcc) {
        return run(experiment, layer, condition, seed, finalAcc, RunRecord.COMPLETED);
    }

    static RunRecord run(String experiment, String layer, UnaryOperator<RunConfig> condition, long seed,
                         double finalAcc, String status) {
        return Fixtures.run(experiment, layer, seed, status, new double[] {finalAcc}, finalAcc, null, condition);
    }

    static String render(List<RunRecord> runs) {
        List<RunRecord> shuffled = new ArrayList<>(runs);
        Collections.shuffle(shuffled, new Random(42));
        return ReportGenerator.render(shuffled, List.of(), ZonedDateTime.parse("2025-01-02T00:00:00Z"));
    }

    /** The tables of the conditions section, each as header cells followed by body rows of cell texts. */
    static List<List<List<String>>> tables(String html, String family) {
        int s = html.indexOf("<section id=\"conditions\"");
        assertTrue(s >= 0, "no conditions section");
        String sec = html.substring(s, html.indexOf("</section>", s));
        int f = sec.indexOf("<h3>" + family + "</h3>");
        assertTrue(f >= 0, "no family " + family + " in " + sec);
        int end = sec.indexOf("<div class=\"family\">", f);
        String fam = sec.substring(f, end < 0 ? sec.length() : end);
        List<List<List<String>>> out = new ArrayList<>();
        for (var t : Pattern.compile("<table.*?</table>", Pattern.DOTALL).matcher(fam).results().toList()) {
            List<List<String>> rows = new ArrayList<>();
            for (var tr : Pattern.compile("<tr>(.*?)</tr>", Pattern.DOTALL).matcher(t.group()).results().toList()) {
                rows.add(Pattern.compile("<t[hd][^>]*>(.*?)</t[hd]>", Pattern.DOTALL).matcher(tr.group(1)).results()
                        .map(m -> text(m.group(1))).toList());
            }
            out.add(rows);
        }
        return out;
    }

    static String text(String html) {
        return html.replaceAll("<br>", " / ").replaceAll("<[^>]+>", "").strip();
    }

    /** 2 layers x 3 conditions x 3 seeds, plus one single run of a fourth condition and an interrupted run. */
    static List<RunRecord> grid() {
        List<RunRecord> runs = new ArrayList<>();
        double[][] conv = {{0.9100, 0.9130, 0.9160}, {0.8800, 0.8900, 0.9000}, {0.8000, 0.8100, 0.8200}};
        double[][] norm = {{0.9200, 0.9240, 0.9280}, {0.8950, 0.9000, 0.9050}, {0.8500, 0.8500, 0.8500}};
        List<UnaryOperator<RunConfig>> conditions = List.of(clean(), noise(0.05), noise(0.4));
        for (int c = 0; c < 3; c++) {
            for (int s = 0; s < 3; s++) {
                runs.add(run("fmnist-convnorm", "conv", conditions.get(c), s + 1, conv[c][s]));
                runs.add(run("fmnist-convnorm", "convnorm", conditions.get(c), s + 1, norm[c][s]));
            }
        }
        runs.add(run("fmnist-convnorm", "conv", subset(0.1), 1, 0.8765));
        runs.add(run("fmnist-convnorm", "convnorm", subset(0.1), 1, Double.NaN, RunRecord.INTERRUPTED));
        // another experiment whose runs share condition (clean) and layer: no table of its own
        runs.add(run("mnist-lenet", "conv", clean(), 1, 0.99));
        runs.add(run("mnist-lenet", "conv", clean(), 2, 0.98));
        return runs;
    }

    @Test
    void conditionByLayerTableHasMeanStdInOrder() {
        String html = render(grid());
        List<List<List<String>>> tables = tables(html, "fmnist-convnorm");
        assertEquals(1, tables.size(), "no robustness table without attacked runs");
        List<List<String>> t = tables.get(0);
        assertEquals(List.of("Condition", "conv / test accuracy (%)", "convnorm / test accuracy (%)",
                "convnorm \u2212 conv / points"), t.get(0));
        assertEquals(List.of("clean", "91.30" + PM + "0.30 (n=3)", "92.40" + PM + "0.40 (n=3)", "+1.10"), t.get(1));
        // a single run has no std; the interrupted convnorm run does not count, so its cell is a dash
        assertEquals(List.of("subset 10%", "87.65 (n=1)", "\u2014", "\u2014"), t.get(2));
        assertEquals(List.of("sym-noise 5%", "89.00" + PM + "1.00 (n=3)", "90.00" + PM + "0.50 (n=3)", "+1.00"),
                t.get(3));
        assertEquals(List.of("sym-noise 40%", "81.00" + PM + "1.00 (n=3)", "85.00" + PM + "0.00 (n=3)", "+4.00"),
                t.get(4));
        assertEquals(5, t.size());
        assertFalse(html.contains("<h3>mnist-lenet</h3>"), "a family of one condition and one layer has no table");
    }

    @Test
    void conditionsAreShownInTheRunTable() {
        String html = render(grid());
        int s = html.indexOf("<section id=\"runs\"");
        String runs = html.substring(s, html.indexOf("</section>", s));
        assertTrue(runs.contains("<th>Condition</th>"), runs);
        assertTrue(runs.contains("<td>sym-noise 40%</td>"), runs);
    }

    @Test
    void conditionRowsFollowTheTypedOrder() {
        // clean first; then without adversarial training: symmetric (or no) noise by rate ascending, each by subset
        // descending; then asymmetric noise; then each adversarial training in the same order
        List<UnaryOperator<RunConfig>> conditions = new ArrayList<>(List.of(freeAdv(), subset(0.1), noise(0.8),
                asymNoise(0.4), all(noise(0.4), subset(0.1)), clean(), noise(0.4), subset(0.5), asymNoise(0.2),
                all(noise(0.4), freeAdv()), noise(0.2), pgdAdv(), all(subset(0.07), noise(0.8), freeAdv())));
        Collections.shuffle(conditions, new Random(7));
        List<RunRecord> runs = new ArrayList<>();
        for (int i = 0; i < conditions.size(); i++) {
            runs.add(run("e", "conv", conditions.get(i), i + 1, 0.5));
        }
        List<String> expected = List.of("clean", "subset 50%", "subset 10%", "sym-noise 20%", "sym-noise 40%",
                "sym-noise 40%, subset 10%", "sym-noise 80%", "asym-noise 20%", "asym-noise 40%", "free-adv",
                "sym-noise 40%, free-adv", "sym-noise 80%, subset 7%, free-adv", "pgd-adv");
        String html = render(runs);
        List<List<String>> t = tables(html, "e").get(0);
        assertEquals(expected, t.subList(1, t.size()).stream().map(row -> row.get(0)).toList());

        // the group table (one layer here) lists the conditions in the same order
        int g = html.indexOf("<section id=\"groups\"");
        String groups = html.substring(g, html.indexOf("</section>", g));
        List<String> shown = Pattern.compile("<tr><td>e</td><td>conv</td><td>(.*?)</td>").matcher(groups).results()
                .map(m -> m.group(1)).toList();
        assertEquals(expected, shown);
    }

    @Test
    void conditionOfARunComesFromItsTypedConfiguration() {
        RunRecord r = run("e", "conv", all(asymNoise(0.125), subset(0.3), pgdAdv()), 1, 0.5);
        assertEquals(new Condition(0.125, NoiseType.ASYMMETRIC, 0.3, "pgd-adv"), ReportGenerator.condition(r));
        assertEquals("asym-noise 12.5%, subset 30%, pgd-adv", ReportGenerator.condition(r).label());
        assertTrue(ReportGenerator.condition(run("e", "conv", clean(), 1, 0.5)).isClean());
        // the seed, the layer and the optimiser are not part of the condition
        RunConfig c = Fixtures.config("e", "pnn", 9, 7);
        RunRecord other = Fixtures.run(c.withOptim(c.optim().withLearningRate(0.5)), RunRecord.COMPLETED,
                new double[] {0.5}, 0.5, null);
        assertEquals(Condition.CLEAN, ReportGenerator.condition(other));
    }

    @Test
    void layerColumnOrder() {
        List<RunRecord> runs = new ArrayList<>();
        for (String layer : List.of("pnn", "convnorm", "conv", "binary")) {
            runs.add(run("e", layer, clean(), 1, 0.5));
        }
        assertEquals(List.of("conv", "binary", "convnorm", "pnn"), ConditionTables.layers(runs));
        List<String> head = tables(render(runs), "e").get(0).get(0);
        assertEquals(List.of("Condition", "conv / test accuracy (%)", "binary / test accuracy (%)",
                "convnorm / test accuracy (%)", "pnn / test accuracy (%)", "binary \u2212 conv / points",
                "convnorm \u2212 conv / points", "pnn \u2212 conv / points"), head);

        // without conv there is no difference column
        List<String> noConv = tables(render(List.of(run("e", "pnn", clean(), 1, 0.5),
                run("e", "convnorm", clean(), 1, 0.6))), "e").get(0).get(0);
        assertEquals(List.of("Condition", "convnorm / test accuracy (%)", "pnn / test accuracy (%)"), noConv);
    }

    @Test
    void oddExperimentAndLayerNamesAreEscaped() {
        String odd = "<b>noise</b> & \"quotes\"";
        String html = render(List.of(run("e<x>", odd, clean(), 1, 0.5), run("e<x>", odd, clean(), 2, 0.7),
                run("e<x>", odd, noise(0.4), 1, 0.4)));
        int s = html.indexOf("<section id=\"conditions\"");
        String sec = html.substring(s, html.indexOf("</section>", s));
        assertFalse(sec.contains("<b>noise"), sec);
        assertFalse(sec.contains("e<x>"), sec);
        assertTrue(sec.contains("<th class=\"num\">&lt;b&gt;noise&lt;/b&gt; &amp; &quot;quotes&quot;<br>"), sec);
        List<List<String>> t = tables(html, "e&lt;x&gt;").get(0);
        assertEquals(List.of("clean", "60.00" + PM + "14.14 (n=2)"), t.get(1));
        assertEquals(List.of("sym-noise 40%", "40.00 (n=1)"), t.get(2));
    }

    @Test
    void runsOfOneConditionAndOneLayerProduceNoSection() {
        String html = render(List.of(run("e", "conv", noise(0.4), 1, 0.5), run("e", "conv", noise(0.4), 2, 0.6),
                run("f", "pnn", clean(), 1, 0.6)));
        assertFalse(html.contains("id=\"conditions\""));
        assertFalse(html.contains("<h2>Conditions</h2>"));
        assertTrue(html.contains("id=\"groups\""), "the rest of the report is still there");
    }

    @Test
    void cleanRunsOfSeveralLayersGetATableOfOneCleanRow() {
        String html = render(List.of(run("e", "conv", clean(), 1, 0.5), run("e", "convnorm", clean(), 1, 0.6)));
        List<List<String>> t = tables(html, "e").get(0);
        assertEquals(List.of("clean", "50.00 (n=1)", "60.00 (n=1)", "+10.00"), t.get(1));
        assertEquals(2, t.size());
        assertFalse(html.contains("<th>Condition</th><th>Dataset"), "no condition column in the run table when every "
                + "run is clean");
    }

    @Test
    void everyRunHasAConditionSoThereIsNoRowWithout() {
        String html = render(List.of(run("e", "conv", clean(), 1, 0.5), run("e", "conv", noise(0.4), 1, 0.6)));
        List<List<String>> t = tables(html, "e").get(0);
        assertEquals(List.of("clean", "50.00 (n=1)"), t.get(1));
        assertEquals(List.of("sym-noise 40%", "60.00 (n=1)"), t.get(2));
        assertEquals(3, t.size());
        assertFalse(html.contains("no condition"), html);
    }

    static RobustnessRecord entry(String name, String attack, double acc, boolean subset) {
        long n = subset ? 1_000 : 10_000;
        return new RobustnessRecord(name, attack, attack.equals("clean") ? "none" : "first", "model", acc,
                Math.round(acc * n), n, 10_000, subset, 1,
                attack.equals("clean") ? Map.of() : RobustnessReportTest.THREAT, Map.of(), null, 1.0,
                "2025-01-01T00:00:00Z");
    }

    static RunRecord attacked(String layer, UnaryOperator<RunConfig> condition, long seed, double clean, double fgsm, double pgd) {
        List<RobustnessRecord> e = new ArrayList<>();
        e.add(entry("clean", "clean", clean, false));
        if (!Double.isNaN(fgsm)) {
            e.add(entry("fgsm-first", "fgsm", fgsm, false));
        }
        e.add(entry("pgd-first", "pgd", pgd, seed == 9));
        return run("adv", layer, condition, seed, clean).withRobustness(e);
    }

    @Test
    void robustnessTablePerFamily() {
        List<RunRecord> runs = new ArrayList<>();
        runs.add(attacked("conv", clean(), 1, 0.90, 0.40, 0.10));
        runs.add(attacked("conv", clean(), 2, 0.92, 0.44, 0.14));
        runs.add(attacked("conv", clean(), 3, 0.94, 0.48, 0.18));
        runs.add(attacked("convnorm", clean(), 1, 0.91, 0.50, 0.20));
        runs.add(attacked("convnorm", clean(), 2, 0.93, Double.NaN, 0.30));
        runs.add(attacked("conv", freeAdv(), 9, 0.80, 0.60, 0.55));
        runs.add(run("adv", "convnorm", freeAdv(), 1, 0.81));   // not attacked
        String html = render(runs);
        List<List<List<String>>> tables = tables(html, "adv");
        assertEquals(2, tables.size());
        List<List<String>> r = tables.get(1);
        assertEquals(List.of("Condition", "conv accuracy (%)", "convnorm accuracy (%)"), r.get(0));
        assertEquals(List.of("clean", "FGSM", "PGD", "clean", "FGSM", "PGD"), r.get(1));
        assertEquals(List.of("clean", "92.00" + PM + "2.00 (n=3)", "44.00" + PM + "4.00 (n=3)",
                "14.00" + PM + "4.00 (n=3)", "92.00" + PM + "1.41 (n=2)", "50.00 (n=1)", "25.00" + PM + "7.07 (n=2)"),
                r.get(2));
        // a PGD figure on part of the test set is marked; the not attacked convnorm run leaves dashes
        assertEquals(List.of("free-adv", "80.00 (n=1)", "60.00 (n=1)", "55.00 (n=1)*", "\u2014", "\u2014", "\u2014"),
                r.get(3));
        assertTrue(html.contains("Figures marked * include attacks on only part of the test set"));
        assertTrue(html.contains("Threat model ([0,1] pixels): FGSM eps 0.1000, 7 steps; PGD eps 0.1000, 7 steps."),
                html.substring(html.indexOf("Threat model")));
    }
}
