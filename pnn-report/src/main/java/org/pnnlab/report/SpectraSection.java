package org.pnnlab.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.EpochSpectra;
import org.pnnlab.api.run.LayerSpectrum;
import org.pnnlab.api.run.RunRecord;

/**
 * The layer spectra section: per group (configuration; seeds counted once), σ_max of every convolution-like layer
 * across epochs (mean over seeds), and a table of the last epoch's product of the σ_max — an upper bound on the
 * Lipschitz constant of the convolutional part — beside the empirical local estimate (the mean input-gradient norm
 * of the logit margin on test images). Groups without recorded spectra are left out.
 */
final class SpectraSection {
    private SpectraSection() {
    }

    static void render(StringBuilder b, List<RunRecord> runs) {
        List<Groups.Group> groups = new ArrayList<>();
        for (Groups.Group g : Groups.of(runs)) {
            if (g.counted().stream().anyMatch(r -> last(r) != null)) groups.add(g);
        }
        if (groups.isEmpty()) return;
        Map<Groups.Group, String> distinctions = Groups.distinctions(groups);
        b.append("<section id=\"spectra\">\n<h2>Layer spectra</h2>\n<p class=\"note\">The largest singular value ")
                .append("\u03c3<sub>max</sub> of each convolution-like layer's linear map at inference (with the following ")
                .append("batch norm's scale folded in where there is one), at the end of each epoch. Their product bounds ")
                .append("the Lipschitz constant of the network's convolutional part from above (activations, pooling and ")
                .append("residual sums counted as 1-Lipschitz); the local estimate is the mean norm of the input gradient ")
                .append("of the logit margin on test images after training, in model-input units. ")
                .append("<code>pnn spectrum RUN_DIR</code> prints every recorded value.</p>\n");
        b.append("<div class=\"table-wrap\"><table class=\"sortable\">\n<thead><tr><th>Group</th><th>Seeds</th>")
                .append("<th>Product of \u03c3<sub>max</sub></th><th>Product without batch norm</th>")
                .append("<th>Local estimate</th><th>Largest \u03c3<sub>max</sub> (layer)</th></tr></thead>\n<tbody>\n");
        for (Groups.Group g : groups) {
            List<EpochSpectra> finals = g.counted().stream().map(SpectraSection::last)
                    .filter(java.util.Objects::nonNull).toList();
            b.append("<tr><td>").append(Html.esc(label(g, distinctions))).append("</td><td>").append(finals.size())
                    .append("</td><td>").append(stats(finals, EpochSpectra::productOfNorms)).append("</td><td>")
                    .append(stats(finals, SpectraSection::productUnfolded)).append("</td><td>")
                    .append(stats(finals, s -> s.localLipschitz() == null ? Double.NaN : s.localLipschitz()))
                    .append("</td><td>").append(Html.esc(largest(finals.get(0)))).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table></div>\n");
        int index = 0;
        for (Groups.Group g : groups) {
            Map<String, Map<Integer, List<Double>>> byLayer = new LinkedHashMap<>();
            for (RunRecord r : g.counted()) {
                for (EpochRecord e : r.epochs()) {
                    if (e.spectra() == null) continue;
                    for (LayerSpectrum l : e.spectra().layers()) {
                        byLayer.computeIfAbsent(l.layer(), k -> new TreeMap<>())
                                .computeIfAbsent(e.epoch(), k -> new ArrayList<>()).add(l.sigmaMax());
                    }
                }
            }
            List<LineChart.Series> series = new ArrayList<>();
            int style = 0;
            for (Map.Entry<String, Map<Integer, List<Double>>> layer : byLayer.entrySet()) {
                List<LineChart.Point> points = new ArrayList<>();
                for (Map.Entry<Integer, List<Double>> e : layer.getValue().entrySet()) {
                    Stats st = Stats.of(e.getValue());
                    if (st != null) points.add(new LineChart.Point(e.getKey(), st.mean(), st.std()));
                }
                series.add(new LineChart.Series(layer.getKey(), style++, points));
            }
            b.append("<figure class=\"chart-box\" id=\"chart-spectra-").append(index++).append("\">\n")
                    .append(LineChart.render("\u03c3_max per layer: " + label(g, distinctions), "sigma_max", series))
                    .append("<figcaption>One line per layer: the mean over the group's seeds of its largest singular ")
                    .append("value after each epoch (\u00b11 sd where two or more seeds reached it).</figcaption>\n</figure>\n");
        }
        b.append("</section>\n");
    }

    private static @Nullable EpochSpectra last(RunRecord r) {
        List<EpochRecord> epochs = r.epochs();
        for (int i = epochs.size() - 1; i >= 0; i--) {
            if (epochs.get(i).spectra() != null) return epochs.get(i).spectra();
        }
        return null;
    }

    private static double productUnfolded(EpochSpectra s) {
        double p = 1;
        for (LayerSpectrum l : s.layers()) p *= l.operator().isEmpty() ? Double.NaN : l.operator().get(0);
        return p;
    }

    private static String largest(EpochSpectra s) {
        LayerSpectrum best = null;
        for (LayerSpectrum l : s.layers()) if (best == null || l.sigmaMax() > best.sigmaMax()) best = l;
        return best == null ? "\u2013" : String.format(Locale.ROOT, "%.4g (%s)", best.sigmaMax(), best.layer());
    }

    private static String stats(List<EpochSpectra> finals, ToDoubleFunction<EpochSpectra> f) {
        List<Double> v = new ArrayList<>();
        for (EpochSpectra s : finals) v.add(f.applyAsDouble(s));
        Stats st = Stats.of(v);
        if (st == null) return "\u2013";
        return Double.isNaN(st.std()) ? String.format(Locale.ROOT, "%.4g", st.mean())
                : String.format(Locale.ROOT, "%.4g \u00b1 %.2g", st.mean(), st.std());
    }

    private static String label(Groups.Group g, Map<Groups.Group, String> distinctions) {
        String d = distinctions.get(g);
        return g.experiment() + " / " + g.layer() + (g.condition().isClean() ? "" : " / " + g.condition().label())
                + (d == null || d.isEmpty() ? "" : " / " + d);
    }
}
