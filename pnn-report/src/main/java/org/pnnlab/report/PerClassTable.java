package org.pnnlab.report;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.run.ConfusionMatrix;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.RunRecord;

/**
 * The "Per-class test accuracy" section: for each group of runs (one configuration, its counted seeds), the final
 * epoch's test confusion matrices summed over the completed runs and shown as the accuracy of every true class, each
 * cell shaded by its value (a heat map), so a layer that trades one class for another is visible.
 */
final class PerClassTable {
    private PerClassTable() {
    }

    /** The summed final test confusion of the group's completed counted runs, or null where none recorded one. */
    static @Nullable ConfusionMatrix confusion(Groups.Group g) {
        ConfusionMatrix sum = null;
        for (RunRecord r : g.counted()) {
            if (!RunRecord.COMPLETED.equals(r.status()) || r.epochs().isEmpty()) continue;
            EpochRecord last = r.epochs().get(r.epochs().size() - 1);
            ConfusionMatrix c = last.testConfusion();
            if (c == null || (sum != null && sum.classes() != c.classes())) continue;
            sum = sum == null ? c : sum.plus(c);
        }
        return sum;
    }

    static void render(StringBuilder b, List<RunRecord> runs) {
        List<Groups.Group> groups = Groups.of(runs);
        int classes = 0;
        for (Groups.Group g : groups) {
            ConfusionMatrix c = confusion(g);
            if (c != null) classes = Math.max(classes, c.classes());
        }
        if (classes == 0) return;
        b.append("<section id=\"per-class\">\n<h2>Per-class test accuracy</h2>\n")
                .append("<div class=\"table-wrap\"><table class=\"data sortable heat\">\n<thead><tr><th>Experiment</th>")
                .append("<th>Layer</th><th>Condition</th><th class=\"num\">Runs</th>");
        for (int k = 0; k < classes; k++) b.append("<th class=\"num\">class ").append(k).append("</th>");
        b.append("</tr></thead>\n<tbody>\n");
        for (Groups.Group g : groups) {
            ConfusionMatrix c = confusion(g);
            if (c == null) continue;
            long completed = g.counted().stream().filter(r -> RunRecord.COMPLETED.equals(r.status())).count();
            b.append("<tr><td>").append(Html.escOrDash(g.experiment())).append("</td><td>")
                    .append(Html.escOrDash(g.layer())).append("</td><td>").append(Html.escOrDash(g.condition().label()))
                    .append("</td><td class=\"num\" data-sort=\"").append(completed).append("\">").append(completed).append("</td>");
            double[] acc = c.perClassAccuracy();
            for (int k = 0; k < classes; k++) {
                double a = k < acc.length ? acc[k] : Double.NaN;
                if (Double.isNaN(a)) {
                    b.append("<td class=\"num missing\" data-sort=\"\">\u2014</td>");
                    continue;
                }
                // white at 50 % and below, full green at 100 %
                double shade = Math.max(0, Math.min(1, (a - 0.5) / 0.5));
                b.append("<td class=\"num\" data-sort=\"").append(a).append("\" style=\"background: rgba(34, 139, 34, ")
                        .append(String.format(Locale.ROOT, "%.2f", 0.6 * shade)).append(")\">").append(Html.percent(a))
                        .append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table></div>\n<p class=\"note\">Each row is one configuration: the final epoch's test ")
                .append("predictions of its completed runs (one per seed) counted together; a cell is the share of the ")
                .append("test images of that true class classified correctly, shaded from white (50 % or less) to ")
                .append("green (100 %).</p>\n</section>\n");
    }
}
