package org.pnnlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.util.Map;
import org.pnnlab.api.run.LayerChoice;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.study.StudyManifest;

class VerdictsTest {
    @TempDir
    Path tmp;

    private static List<String> rows(String html) {
        int start = html.indexOf("<section id=\"verdicts\"");
        assertTrue(start >= 0, "verdicts section");
        String s = html.substring(start, html.indexOf("</section>", start));
        String body = s.substring(s.indexOf("<tbody>"), s.indexOf("</tbody>"));
        return Pattern.compile("<tr>.*?</tr>", Pattern.DOTALL).matcher(body).results().map(m -> m.group()).toList();
    }

    @Test
    void aStudyWrittenBesideTheRunsGetsAVerdictTablePairedOverSeedsWithHolm() throws Exception {
        Path runs = tmp.resolve("runs");
        List<RunRecord> study = new ArrayList<>(Fixtures.studyRuns());
        // a run outside the study does not enter its verdicts
        study.add(Fixtures.run("study-e", "perturbation", 9, RunRecord.COMPLETED, new double[] {0.1}, 0.1, null,
                Fixtures.clean()));
        Fixtures.writeStudy(runs, study.subList(0, 12));
        RunRecord outsider = study.get(12);
        org.pnnlab.api.run.RunStore.write(runs.resolve("study-e").resolve(outsider.runId()).resolve("run.json"), outsider);

        String html = Files.readString(ReportCommand.write(runs, tmp.resolve("r.html")), StandardCharsets.UTF_8);
        assertTrue(html.contains("Study noise-study"), "heading");
        assertTrue(html.contains("12 cells, 12 found, 12 completed"), html);
        List<String> rows = rows(html);
        assertEquals(2, rows.size(), rows.toString());
        String clean = rows.get(0);
        String noisy = rows.get(1);
        assertTrue(clean.startsWith("<tr><td>clean</td><td>perturbation</td><td>conv</td>"), clean);
        assertTrue(noisy.startsWith("<tr><td>sym-noise 40%</td><td>perturbation</td><td>conv</td>"), noisy);
        // clean: differences 1, 0.5, 1.5 -> +1.00 [-0.24, +2.24], p 0.0742 (see PairedTest)
        assertTrue(clean.contains(">+1.00<") && clean.contains("[-0.24, +2.24]") && clean.contains(">0.0742<"), clean);
        // noisy: differences -10, -10.5, -11: mean -10.5, s 0.5, t = -36.37, p = 1 - sqrt(t^2/(t^2+2)) = 0.000755
        Paired p = Paired.of(new double[] {80, 82, 84}, new double[] {70, 71.5, 73});
        assertEquals(1 - Math.sqrt(p.t() * p.t() / (p.t() * p.t() + 2)), p.p(), 1e-9);
        assertTrue(noisy.contains(">-10.50<") && noisy.contains(">0.0008<"), noisy);
        // Holm over the study's 2 comparisons: 0.000755 x 2 = 0.0015 (-> worse), max(0.0015, 0.0742 x 1) for clean
        assertTrue(noisy.contains(">0.0015<") && noisy.contains("<td class=\"verdict worse\">worse</td>"), noisy);
        assertTrue(clean.contains("<td class=\"verdict none\">no detectable difference with n = 3</td>"), clean);
        // seeds for a 1-point difference at s = 0.5
        assertTrue(clean.endsWith("<td class=\"num\" data-sort=\"5\">5</td></tr>"), clean);
        assertTrue(html.contains("Holm's p is adjusted for all comparisons of the study"), "formula stated");
    }

    @Test
    void onlySharedSeedsArePairedAndAMissingBaselineIsSaid() {
        List<RunRecord> runs = new ArrayList<>(Fixtures.studyRuns());
        StudyManifest all = Fixtures.studyManifest(runs);
        runs.remove(2);   // clean conv seed 3: the clean comparison pairs seeds 1 and 2 only
        runs.removeIf(r -> r.config().condition().labelNoise() > 0 && r.layer().equals("conv"));
        List<Verdicts.Comparison> c = Verdicts.compare(all, runs);
        assertEquals(2, c.size());
        assertEquals(List.of(1L, 2L), c.get(0).seeds());
        assertEquals(0.75, c.get(0).paired().mean(), 1e-9);   // (1 + 0.5) / 2
        assertEquals("no runs of the baseline conv in this setting", c.get(1).problem());
    }

    @Test
    void armsThatShareALayerIdAreComparedByTheirLabels() {
        // three arms of one layer id: nmasks 1 (the baseline, "one-mask"), nmasks 4, and nmasks 4 with mix_maps;
        // clean and 40% noise; seeds 1-3. Accuracy (%) = 90 + arm offset (0, +1, -2) + seed + noise offset (0, -10)
        String[] labels = {"one-mask", "fan-out", "fan-out-mix"};
        List<Map<String, Object>> params = List.of(Map.of("nmasks", 1), Map.of("nmasks", 4),
                Map.of("nmasks", 4, "mix_maps", true));
        double[] offset = {0, 1, -2};
        List<RunRecord> runs = new ArrayList<>();
        List<StudyManifest.Cell> cells = new ArrayList<>();
        for (int arm = 0; arm < 3; arm++) {
            for (int setting = 0; setting < 2; setting++) {
                for (long seed = 1; seed <= 3; seed++) {
                    RunConfig base = Fixtures.config("arms-e", "perturbation", seed, 1);
                    RunConfig c = base.withModel(base.model().withLayer(new LayerChoice("perturbation",
                            params.get(arm))));
                    if (setting == 1) c = Fixtures.noise(0.4).apply(c);
                    double a = (90 + offset[arm] + seed - 10 * setting) / 100;
                    RunRecord r = Fixtures.run(c, RunRecord.COMPLETED, new double[] {a}, a, null);
                    runs.add(r);
                    cells.add(new StudyManifest.Cell(r.experiment(), r.runId(), labels[arm], setting));
                }
            }
        }
        StudyManifest manifest = new StudyManifest("arms", "studies/arms.yaml", "one-mask", cells);
        List<Verdicts.Comparison> c = Verdicts.compare(manifest, runs);
        assertEquals(4, c.size(), c.toString());
        assertEquals(List.of("fan-out", "fan-out-mix", "fan-out", "fan-out-mix"),
                c.stream().map(Verdicts.Comparison::layer).toList(), "arms by label, in the study's order");
        assertEquals(List.of(1.0, -2.0, 1.0, -2.0), c.stream().map(x -> x.paired().mean()).toList());
        for (Verdicts.Comparison x : c) {
            assertEquals("one-mask", x.baseline());
            assertEquals(null, x.problem());
            assertEquals(List.of(1L, 2L, 3L), x.seeds());
            assertEquals("", x.setting(), "the arms' layer parameters are not a setting");
        }
        assertEquals("sym-noise 40%", c.get(2).condition().label());
    }

    @Test
    void experimentArmsWithDifferentModelOptionsAreComparedInOneSetting() {
        // two experiments as the arms (as cnnf-fashion: the same layer, a model option apart)
        List<RunRecord> runs = new ArrayList<>();
        List<StudyManifest.Cell> cells = new ArrayList<>();
        for (String exp : List.of("cnn-adv", "cnnf-adv")) {
            for (long seed = 1; seed <= 3; seed++) {
                RunConfig base = Fixtures.config(exp, "conv", seed, 1);
                RunConfig c = base.withModel(base.model().withOptions(Map.of("cycles", exp.equals("cnn-adv") ? 0 : 2)));
                double a = (exp.equals("cnn-adv") ? 80 : 83) / 100.0 + seed / 1000.0;
                RunRecord r = Fixtures.run(c, RunRecord.COMPLETED, new double[] {a}, a, null);
                runs.add(r);
                cells.add(new StudyManifest.Cell(exp, r.runId(), exp, 0));
            }
        }
        List<Verdicts.Comparison> c = Verdicts.compare(new StudyManifest("cnnf", "f.yaml", "cnn-adv", cells), runs);
        assertEquals(1, c.size(), c.toString());
        assertEquals("cnnf-adv", c.get(0).layer());
        assertEquals("cnn-adv", c.get(0).baseline());
        assertEquals(3.0, c.get(0).paired().mean(), 1e-9);
        assertEquals("", c.get(0).setting());
    }

    @Test
    void settingsOtherThanTheConditionAreComparedSeparatelyAndNamed() {
        List<RunRecord> runs = new ArrayList<>();
        for (RunRecord r : Fixtures.studyRuns()) {
            if (r.config().condition().labelNoise() > 0) continue;
            runs.add(r);
            RunConfig other = r.config().withOptim(r.config().optim().withLearningRate(0.01));
            runs.add(Fixtures.run(other, RunRecord.COMPLETED, new double[] {0.5}, 0.5, null));
        }
        List<Verdicts.Comparison> c = Verdicts.compare(Fixtures.studyManifest(runs), runs);
        assertEquals(2, c.size());
        assertEquals(List.of("optim.learningRate=0.001", "optim.learningRate=0.01"),
                c.stream().map(Verdicts.Comparison::setting).sorted().toList());
        assertEquals(0.0, c.stream().filter(x -> x.setting().endsWith("0.01")).findFirst().orElseThrow().paired().mean(),
                1e-9, "each learning rate is paired with the baseline of the same learning rate");
    }
}
