package org.pnnlab.report;

import static org.pnnlab.report.Html.DASH;
import static org.pnnlab.report.Html.esc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.run.Condition;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.study.StudyManifest;

/**
 * The "Verdicts" section: for each study found beside the runs, each condition (and other setting the study varies)
 * and each arm (a layer entry of the study, named by its label, or an experiment) against the study's baseline arm, the paired difference in test accuracy over the seeds both have,
 * its 95 % confidence interval, the paired t-test's p-value with Holm's correction across the study's comparisons,
 * a verdict in words and the number of seeds that would detect a 1-point difference (see {@link Paired}).
 */
final class Verdicts {
    /** The difference, in percentage points, that the seeds column sizes the study for. */
    static final double DETECT_POINTS = 1.0;

    /** Fields that are not the setting a layer is compared in: the layer itself, the seed, the experiment's name. */
    private static final Set<String> LAYER_FIELDS = Set.of("seed", "experiment", "model.firstSlot", "model.otherSlots",
            "model.varied");
    /** The condition's fields: shown as the condition label, not as other settings. */
    private static final Set<String> CONDITION_FIELDS = Set.of("data.labelNoise", "data.noiseType", "data.subset",
            "adversarial");

    private Verdicts() {
    }

    /**
     * One row: the arm {@code layer} against the baseline arm in one setting.
     *
     * @param seeds the paired seeds; {@code paired} is computed over them, in points
     */
    record Comparison(Condition condition, String setting, String layer, String baseline, List<Long> seeds,
                      double baseMean, double layerMean, Paired paired, @Nullable String problem) {
    }

    /** The study's comparisons, in table order (condition, setting, layer); Holm's correction is across them. */
    static List<Comparison> compare(StudyManifest study, List<RunRecord> runs) {
        Map<String, StudyManifest.Cell> cellOf = new HashMap<>();
        for (StudyManifest.Cell c : study.cells()) cellOf.put(c.experiment() + "/" + c.runId(), c);
        List<String> armOrder = study.cells().stream().map(StudyManifest.Cell::arm).filter(java.util.Objects::nonNull)
                .distinct().toList();
        List<Groups.Group> groups = Groups.of(cellRuns(study, runs));
        Map<String, List<Groups.Group>> bySetting = new LinkedHashMap<>();
        Map<Groups.Group, String> armOf = new HashMap<>();
        for (Groups.Group g : groups) {
            RunRecord first = g.all().get(0);
            StudyManifest.Cell cell = cellOf.get(first.experiment() + "/" + first.runId());
            // manifests written before arms and settings were recorded: the layer id, and the configuration less the
            // layer's fields
            armOf.put(g, cell.arm() != null ? cell.arm() : g.layer());
            String key;
            if (cell.setting() != null) {
                key = "setting " + cell.setting();
            } else {
                Map<String, String> f = new TreeMap<>(ConfigFields.of(g.config()));
                f.keySet().removeIf(k -> Groups.ignored(k, LAYER_FIELDS));
                key = f.toString();
            }
            bySetting.computeIfAbsent(key, k -> new ArrayList<>()).add(g);
        }
        // each setting is shown by its baseline's configuration, so that what differs between arms is not shown
        List<Groups.Group> representatives = bySetting.values().stream().map(l -> l.stream()
                .filter(g -> armOf.get(g).equals(study.baseline())).findFirst().orElse(l.get(0))).toList();
        Set<String> notShown = new java.util.HashSet<>(LAYER_FIELDS);
        notShown.addAll(CONDITION_FIELDS);
        Map<Groups.Group, String> settings = Groups.differingSettings(representatives, notShown);

        List<Comparison> out = new ArrayList<>();
        int index = 0;
        for (List<Groups.Group> same : bySetting.values()) {
            String setting = settings.get(representatives.get(index++));
            List<Groups.Group> bases = same.stream().filter(g -> armOf.get(g).equals(study.baseline())).toList();
            List<Groups.Group> others = new ArrayList<>(same.stream().filter(g -> !armOf.get(g).equals(study.baseline()))
                    .toList());
            others.sort(Comparator.comparing((Groups.Group g) -> armOrder.indexOf(armOf.get(g)))
                    .thenComparing(armOf::get)
                    .thenComparing(g -> g.config().model().otherSlots().params().toString()));
            for (Groups.Group o : others) {
                String arm = armOf.get(o);
                String layer = arm;
                if (others.stream().filter(g -> armOf.get(g).equals(arm)).count() > 1) { // only without recorded arms
                    layer = arm + " " + o.config().model().otherSlots().params();
                }
                if (bases.size() != 1) {
                    String problem = bases.isEmpty() ? "no runs of the baseline " + study.baseline() + " in this setting"
                            : bases.size() + " configurations of the baseline in this setting";
                    out.add(new Comparison(o.condition(), setting, layer, study.baseline(), List.of(), Double.NaN,
                            Double.NaN, Paired.of(new double[0], new double[0]), problem));
                    continue;
                }
                Map<Long, Double> base = bases.get(0).accuracyBySeed();
                Map<Long, Double> other = o.accuracyBySeed();
                List<Long> seeds = base.keySet().stream().filter(other::containsKey).sorted().toList();
                double[] x = seeds.stream().mapToDouble(s -> base.get(s) * 100).toArray();
                double[] y = seeds.stream().mapToDouble(s -> other.get(s) * 100).toArray();
                out.add(new Comparison(o.condition(), setting, layer, study.baseline(), seeds,
                        java.util.Arrays.stream(x).average().orElse(Double.NaN),
                        java.util.Arrays.stream(y).average().orElse(Double.NaN), Paired.of(x, y), null));
            }
        }
        out.sort(Comparator.comparing(Comparison::condition).thenComparing(Comparison::setting));
        return out;
    }

    /** The runs of the study's cells (by experiment and run id) that are among {@code runs}. */
    static List<RunRecord> cellRuns(StudyManifest study, List<RunRecord> runs) {
        Map<String, RunRecord> byId = new HashMap<>();
        for (RunRecord r : runs) byId.put(r.experiment() + "/" + r.runId(), r);
        List<RunRecord> out = new ArrayList<>();
        for (StudyManifest.Cell c : study.cells()) {
            RunRecord r = byId.get(c.experiment() + "/" + c.runId());
            if (r != null && !out.contains(r)) out.add(r);
        }
        return out;
    }

    /** Appends the section; nothing when there are no studies. */
    static void render(StringBuilder b, List<StudyManifest> studies, List<RunRecord> runs) {
        if (studies.isEmpty()) return;
        b.append("<section id=\"verdicts\">\n<h2>Verdicts</h2>\n");
        List<StudyManifest> sorted = new ArrayList<>(studies);
        sorted.sort(Comparator.comparing(StudyManifest::name));
        for (StudyManifest s : sorted) study(b, s, runs);
        b.append("<p class=\"note\">Each row compares an arm of the study (a layer entry, named by its label, or ")
                .append("an experiment) with the study's baseline arm in one condition (and setting), paired over the seeds both completed: the same seed gives both the same data order, ")
                .append("noise and subset. Accuracy is the ").append(esc(Accuracy.MEANING)).append(", in percent; ")
                .append("\u0394 is the mean over the paired seeds of (layer \u2212 baseline) in percentage points, ")
                .append("with its 95% confidence interval \u0394 \u00b1 t<sub>0.975,n\u22121</sub>\u00b7s/\u221an ")
                .append("(s: sample standard deviation of the differences). p is the two-sided paired t-test ")
                .append("(t = \u0394/(s/\u221an), n\u22121 degrees of freedom); Holm's p is adjusted for all ")
                .append("comparisons of the study (step-down: sorted p<sub>(j)</sub> times m\u2212j+1, made ")
                .append("non-decreasing, at most 1). The verdict is <em>better</em> or <em>worse</em> when Holm's p ")
                .append("is below 0.05. \u201cSeeds for 1 point\u201d is the smallest n \u2265 2 with n \u2265 ")
                .append("((t<sub>0.975,n\u22121</sub> + t<sub>0.8,n\u22121</sub>)\u00b7s/1)\u00b2: the seeds a ")
                .append("paired t-test at level 0.05 needs to detect a 1-point difference with power 0.8 at the ")
                .append("observed spread s. Repeated seeds count once (see the groups table).</p>\n</section>\n");
    }

    private static void study(StringBuilder b, StudyManifest study, List<RunRecord> runs) {
        List<RunRecord> cells = cellRuns(study, runs);
        long completed = cells.stream().filter(r -> RunRecord.COMPLETED.equals(r.status())).count();
        b.append("<div class=\"study\">\n<h3>Study ").append(esc(study.name())).append(" <span class=\"sub\">(")
                .append(esc(study.file())).append("; baseline ").append(esc(study.baseline())).append("; ")
                .append(study.cells().size()).append(" cells, ").append(cells.size()).append(" found, ")
                .append(completed).append(" completed)</span></h3>\n");
        List<Comparison> rows = compare(study, runs);
        if (rows.isEmpty()) {
            b.append("<p class=\"note\">No arm to compare with the baseline yet.</p>\n</div>\n");
            return;
        }
        double[] holm = Paired.holm(rows.stream().mapToDouble(c -> c.paired().p()).toArray());
        boolean anySetting = rows.stream().anyMatch(c -> !c.setting().isEmpty());
        b.append("<div class=\"table-wrap\"><table class=\"data sortable verdicts\">\n<thead><tr><th>Condition</th>");
        if (anySetting) b.append("<th>Setting</th>");
        b.append("<th>Arm</th><th>Baseline</th><th class=\"num\">Paired seeds</th>")
                .append("<th class=\"num\">Baseline<br><span class=\"sub\">accuracy (%)</span></th>")
                .append("<th class=\"num\">Layer<br><span class=\"sub\">accuracy (%)</span></th>")
                .append("<th class=\"num\">\u0394<br><span class=\"sub\">points</span></th>")
                .append("<th class=\"num\">95% CI<br><span class=\"sub\">points</span></th>")
                .append("<th class=\"num\">p<br><span class=\"sub\">paired t</span></th>")
                .append("<th class=\"num\">p<br><span class=\"sub\">Holm</span></th>")
                .append("<th>Verdict</th>")
                .append("<th class=\"num\">Seeds for 1 point<br><span class=\"sub\">\u03b1 0.05, power 0.8</span></th>")
                .append("</tr></thead>\n<tbody>\n");
        for (int i = 0; i < rows.size(); i++) {
            Comparison c = rows.get(i);
            Paired p = c.paired();
            b.append("<tr><td>").append(esc(c.condition().label())).append("</td>");
            if (anySetting) b.append("<td class=\"mono settings\">").append(Html.escOrDash(c.setting())).append("</td>");
            b.append("<td>").append(esc(c.layer())).append("</td><td>").append(esc(c.baseline())).append("</td>");
            b.append("<td class=\"num\" data-sort=\"").append(p.n()).append("\" title=\"seeds ")
                    .append(esc(c.seeds().toString())).append("\">").append(p.n()).append("</td>");
            num(b, c.baseMean(), "%.2f");
            num(b, c.layerMean(), "%.2f");
            num(b, p.mean(), "%+.2f");
            if (Double.isFinite(p.low())) {
                b.append("<td class=\"num\" data-sort=\"").append(p.low()).append("\">")
                        .append(String.format(Locale.ROOT, "[%+.2f, %+.2f]", p.low(), p.high())).append("</td>");
            } else {
                b.append("<td class=\"num missing\" data-sort=\"\">").append(DASH).append("</td>");
            }
            num(b, p.p(), "%.4f");
            num(b, holm[i], "%.4f");
            String verdict = c.problem() != null ? c.problem() : Paired.verdict(p, holm[i]);
            String cls = verdict.equals("better") ? "better" : verdict.equals("worse") ? "worse" : "none";
            b.append("<td class=\"verdict ").append(cls).append("\">").append(esc(verdict)).append("</td>");
            int need = Paired.seedsToDetect(DETECT_POINTS, p.sd());
            if (need < 0) b.append("<td class=\"num missing\" data-sort=\"\">").append(DASH).append("</td>");
            else b.append("<td class=\"num\" data-sort=\"").append(need).append("\">")
                    .append(need == Integer.MAX_VALUE ? "&gt; 1,000,000" : Html.thousands(need)).append("</td>");
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table></div>\n</div>\n");
    }

    private static void num(StringBuilder b, double v, String format) {
        if (!Double.isFinite(v)) {
            b.append("<td class=\"num missing\" data-sort=\"\">").append(DASH).append("</td>");
            return;
        }
        b.append("<td class=\"num\" data-sort=\"").append(v).append("\">")
                .append(v < 1e-4 && v > 0 && format.equals("%.4f") ? "&lt; 0.0001" : String.format(Locale.ROOT, format, v))
                .append("</td>");
    }
}
