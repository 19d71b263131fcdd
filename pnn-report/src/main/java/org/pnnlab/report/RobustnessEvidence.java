package org.pnnlab.report;

import static org.pnnlab.report.Html.esc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.run.CorruptionAccuracies;
import org.pnnlab.api.run.GradientMaskingChecks;
import org.pnnlab.api.run.GradientMaskingChecks.Check;
import org.pnnlab.api.run.GradientMaskingChecks.CheckResult;
import org.pnnlab.api.run.RobustnessRecord;
import org.pnnlab.api.run.RunRecord;

/**
 * The evidence beside the robustness numbers: the gradient-masking checks of each run's white-box evaluation (a
 * table of the checks and a chart of the eps sweep) and the common-corruption accuracies (a table per corruption
 * and severity). Also the mark an accuracy gets when its evaluation failed a check.
 */
final class RobustnessEvidence {
    private RobustnessEvidence() {
    }

    /**
     * The mark after an accuracy whose masking checks failed, naming the failed checks; empty when there are none
     * or they passed.
     */
    static String mark(@Nullable GradientMaskingChecks m) {
        if (m == null || m.passed()) return "";
        List<String> failed = m.failed().stream().map(c -> c.check().expectation()).toList();
        String details = String.join("; ", m.failed().stream().map(CheckResult::detail).toList());
        return "<br><span class=\"masking\" title=\"" + esc(details) + "\">\u26a0 "
                + esc(GradientMaskingChecks.MARK) + " (failed: " + esc(String.join("; ", failed)) + ")</span>";
    }

    /** The masking checks of a run: one per distinct evaluation, in the order of its entries. */
    static List<GradientMaskingChecks> checks(RunRecord r) {
        Set<GradientMaskingChecks> out = new LinkedHashSet<>();
        for (RobustnessRecord e : r.robustness()) if (e.masking() != null) out.add(e.masking());
        return new ArrayList<>(out);
    }

    static void render(StringBuilder b, List<RunRecord> runs, Map<RunRecord, String> labels) {
        masking(b, runs, labels);
        corruptions(b, runs, labels);
    }

    private static void masking(StringBuilder b, List<RunRecord> runs, Map<RunRecord, String> labels) {
        Map<String, GradientMaskingChecks> rows = new LinkedHashMap<>();
        for (RunRecord r : runs) {
            List<GradientMaskingChecks> list = checks(r);
            for (int i = 0; i < list.size(); i++) {
                rows.put(labels.getOrDefault(r, r.runId()) + (list.size() > 1 ? " #" + (i + 1) : ""), list.get(i));
            }
        }
        if (rows.isEmpty()) return;
        b.append("<section id=\"masking\">\n<h2>Gradient-masking checks</h2>\n")
                .append("<div class=\"table-wrap\"><table class=\"data\">\n<thead><tr><th>Run</th><th>Attacked function</th>")
                .append("<th class=\"num\">Images</th><th class=\"num\">PGD</th>");
        for (Check c : Check.values()) {
            b.append("<th class=\"wrap\">").append(esc(c.expectation())).append("</th>");
        }
        b.append("</tr></thead>\n<tbody>\n");
        for (Map.Entry<String, GradientMaskingChecks> e : rows.entrySet()) {
            GradientMaskingChecks m = e.getValue();
            b.append("<tr><td>").append(esc(e.getKey())).append("</td><td>").append(esc(m.function())).append("</td>")
                    .append("<td class=\"num\">").append(m.evaluated()).append(m.subset() ? " <span class=\"sub\">(first)</span>" : "")
                    .append("</td><td class=\"num\">").append(Html.percent(m.whiteBoxAccuracy())).append("</td>");
            for (Check c : Check.values()) {
                CheckResult r = m.result(c);
                if (r == null) {
                    b.append("<td class=\"missing\">").append(Html.DASH).append("</td>");
                    continue;
                }
                String cls = switch (r.outcome()) {
                    case PASSED -> "verdict better";
                    case FAILED -> "verdict worse";
                    case SKIPPED -> "missing";
                };
                b.append("<td class=\"").append(cls).append("\" title=\"").append(esc(r.detail())).append("\">")
                        .append(r.outcome().name().toLowerCase(Locale.ROOT));
                if (r.measured() != null) b.append(" <span class=\"sub\">").append(Html.percent(r.measured())).append("</span>");
                b.append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table></div>\n<p class=\"note\">Each white-box evaluation attacks the function the ")
                .append("model classifies with again, on the first test images only (a subset, to bound the cost): an ")
                .append("eps sweep of PGD, PGD with twice the steps and with restarts (and APGD-CE where ")
                .append("installed), the black-box Square attack where installed, a transfer attack where a source run ")
                .append("was given, and the share of images whose input gradient is zero or not finite. A failed ")
                .append("check marks the white-box accuracies of that evaluation: ")
                .append(esc(GradientMaskingChecks.MARK)).append(". Hover a cell for the figures.</p>\n");
        List<LineChart.Series> series = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, GradientMaskingChecks> e : rows.entrySet()) {
            List<LineChart.Point> pts = new ArrayList<>();
            for (GradientMaskingChecks.SweepPoint p : e.getValue().epsSweep()) {
                pts.add(new LineChart.Point(p.eps(), 100 * p.accuracy(), Double.NaN));
            }
            series.add(new LineChart.Series(e.getKey(), i++, pts));
        }
        b.append("<figure class=\"chart-box\" id=\"chart-eps-sweep\">\n")
                .append(LineChart.render("Accuracy against the attack radius (PGD, subset)", "Accuracy (%)", series,
                        new LineChart.XAxis("eps ([0,1] pixels)", null,
                                v -> String.format(Locale.ROOT, "%.3g", v), "eps ")))
                .append("<figcaption>PGD accuracy on the checks' subset as eps grows, from the clean images (eps 0) to ")
                .append("eps 1, where every image is reachable and a sound model is at chance or below. A curve that ")
                .append("rises, or stays high at eps 1, points to masked gradients.</figcaption>\n</figure>\n</section>\n");
    }

    private static void corruptions(StringBuilder b, List<RunRecord> runs, Map<RunRecord, String> labels) {
        List<RunRecord> with = runs.stream().filter(r -> corruptionsOf(r) != null).toList();
        if (with.isEmpty()) return;
        Set<String> names = new LinkedHashSet<>();
        for (RunRecord r : with) for (var c : corruptionsOf(r).corruptions()) names.add(c.name());
        b.append("<section id=\"corruptions\">\n<h2>Common corruptions</h2>\n")
                .append("<div class=\"table-wrap\"><table class=\"data sortable\">\n<thead><tr><th>Run</th>")
                .append("<th class=\"num\">Images</th><th class=\"num\">Mean corruption accuracy</th>");
        for (int s = 1; s <= 5; s++) b.append("<th class=\"num\">Severity ").append(s).append("</th>");
        for (String n : names) b.append("<th class=\"num\">").append(esc(n)).append("</th>");
        b.append("</tr></thead>\n<tbody>\n");
        for (RunRecord r : with) {
            CorruptionAccuracies c = corruptionsOf(r);
            b.append("<tr><td>").append(esc(labels.getOrDefault(r, r.runId()))).append("</td><td class=\"num\">")
                    .append(c.evaluated()).append("</td>");
            b.append("<td class=\"num\" data-sort=\"").append(c.meanAccuracy()).append("\">")
                    .append(Html.percent(c.meanAccuracy()));
            if (!c.complete()) b.append(" <span class=\"sub\">(stopped after ").append(c.corruptions().size())
                    .append(")</span>");
            b.append("</td>");
            for (int s = 1; s <= 5; s++) {
                double v = c.corruptions().stream().allMatch(x -> x.bySeverity().size() >= 5) ? c.meanAtSeverity(s)
                        : Double.NaN;
                b.append("<td class=\"num\" data-sort=\"").append(v).append("\">").append(Html.percent(v)).append("</td>");
            }
            for (String n : names) {
                var one = c.corruptions().stream().filter(x -> x.name().equals(n)).findFirst().orElse(null);
                if (one == null) {
                    b.append("<td class=\"num missing\" data-sort=\"\">").append(Html.DASH).append("</td>");
                    continue;
                }
                b.append("<td class=\"num\" data-sort=\"").append(one.meanAccuracy()).append("\" title=\"severities 1-5: ")
                        .append(esc(String.join(", ", one.bySeverity().stream().map(Html::percent).toList()))).append("\">")
                        .append(Html.percent(one.meanAccuracy())).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table></div>\n<p class=\"note\">Accuracy on test images corrupted as in Hendrycks &amp; ")
                .append("Dietterich (2019), generated from the evaluation's seed at the paper's five severities (its ")
                .append("32\u00d732 constants). The mean corruption accuracy is the mean over corruptions of their mean ")
                .append("over severities; hover a corruption for its five values. Corruptions that need external ")
                .append("images or libraries (frost, snow, fog, motion and glass blur, spatter, elastic) are not ")
                .append("included; saturate applies to colour images only.</p>\n</section>\n");
    }

    static @Nullable CorruptionAccuracies corruptionsOf(RunRecord r) {
        for (RobustnessRecord e : r.robustness()) if (e.corruptions() != null) return e.corruptions();
        return null;
    }
}
