package org.pnnlab.report;

import static org.pnnlab.report.Html.DASH;
import static org.pnnlab.report.Html.esc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.run.FinalMetrics;
import org.pnnlab.api.run.RobustnessRecord;
import org.pnnlab.api.run.Condition;
import org.pnnlab.api.run.RunRecord;

/**
 * The "Conditions" section: for each experiment (family) whose runs differ in experimental condition or layer, a
 * condition &times; layer table of the final test accuracy over seeds,
 * and, where runs were attacked, a table of clean / FGSM / PGD accuracy per condition and layer.
 *
 * <p>Each cell is the mean &plusmn; sample standard deviation in percent over the completed runs of that
 * condition and layer, with their number: {@code 91.23 ± 0.31 (n=3)}; a single run has no &plusmn; part and a
 * combination without completed runs is a dash.
 */
final class ConditionTables {
    /** The layer shown first (the baseline the others are compared with). */
    static final String BASELINE_LAYER = "conv";

    private ConditionTables() {
    }

    /** Appends the section: a family (experiment) is shown when its runs differ in condition or in layer. */
    static void render(StringBuilder b, List<RunRecord> runs) {
        Map<String, List<RunRecord>> families = new LinkedHashMap<>();
        for (RunRecord r : runs) {
            families.computeIfAbsent(nz(r.experiment()), k -> new ArrayList<>()).add(r);
        }
        families.values().removeIf(members -> members.stream().map(ReportGenerator::condition).distinct().count() < 2
                && members.stream().map(RunRecord::layer).distinct().count() < 2);
        if (families.isEmpty()) {
            return;
        }
        List<String> names = new ArrayList<>(families.keySet());
        names.sort(Comparator.naturalOrder());
        b.append("<section id=\"conditions\">\n<h2>Conditions</h2>\n");
        boolean anySubset = false;
        boolean anyMixed = false;
        for (String name : names) {
            List<RunRecord> members = new ArrayList<>(families.get(name));
            // a repeated seed (a rerun) counts once, in every table of the family
            Set<RunRecord> repeats = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (Groups.Group g : Groups.of(members)) repeats.addAll(g.repeats());
            members.removeIf(repeats::contains);
            b.append("<div class=\"family\">\n<h3>").append(Html.escOrDash(name)).append("</h3>\n");
            anyMixed |= accuracyTable(b, members);
            conditionChart(b, name, members);
            anySubset |= robustnessTable(b, members);
            b.append("</div>\n");
        }
        b.append("<p class=\"note\">One table per experiment; rows are the experimental conditions of the runs' ")
                .append("configurations, columns the layer. Each cell is the ")
                .append("mean \u00b1 sample standard deviation (divisor n\u22121) in percent over the completed runs ")
                .append("(seeds, each counted once), with n their number; a single run has no \u00b1 part and \u2014 ")
                .append("means no completed run. Test accuracy is the ").append(esc(Accuracy.MEANING)).append(". \u201clayer \u2212 ")
                .append(esc(BASELINE_LAYER)).append("\u201d is the difference of the means in percentage points. ")
                .append("In the robustness tables, each attack the runs were evaluated with is a column of the accuracies recorded by the ")
                .append("robustness evaluation, attacking the network as it classifies (for a network without ")
                .append("feedback, its first-pass attack).");
        if (anySubset) {
            b.append(" Figures marked * include attacks on only part of the test set.");
        }
        if (anyMixed) {
            b.append(" Cells marked \u2020 pool runs of different configurations (other settings than layer and ")
                    .append("condition differ); the groups table separates them.");
        }
        b.append("</p>\n</section>\n");
    }

    // ------------------------------------------------------------------ tables

    /** Appends the table; true when a cell pools runs of different configurations. */
    private static boolean accuracyTable(StringBuilder b, List<RunRecord> members) {
        boolean mixed = false;
        List<String> layers = layers(members);
        List<Condition> conditions = conditions(members);
        boolean diff = layers.contains(BASELINE_LAYER) && layers.size() > 1;

        b.append("<div class=\"table-wrap\"><table class=\"data conditions sortable\">\n<thead><tr><th>Condition</th>");
        for (String l : layers) {
            b.append("<th class=\"num\">").append(Html.escOrDash(l))
                    .append("<br><span class=\"sub\">test accuracy (%)</span></th>");
        }
        if (diff) {
            for (String l : layers) {
                if (!l.equals(BASELINE_LAYER)) {
                    b.append("<th class=\"num\">").append(Html.escOrDash(l)).append(" \u2212 ")
                            .append(esc(BASELINE_LAYER)).append("<br><span class=\"sub\">points</span></th>");
                }
            }
        }
        b.append("</tr></thead>\n<tbody>\n");
        for (Condition c : conditions) {
            b.append("<tr><td>").append(Html.escOrDash(c.label())).append("</td>");
            Map<String, @Nullable Stats> byLayer = new LinkedHashMap<>();
            for (String l : layers) {
                List<RunRecord> cell = cell(members, c, l);
                List<Double> values = new ArrayList<>();
                List<Groups.Group> configs = Groups.of(cell);
                for (Groups.Group g : configs) {
                    values.addAll(g.accuracyBySeed().values());
                }
                Stats s = Stats.of(values);
                byLayer.put(l, s);
                statsCell(b, s, cell.size(), false);
                if (configs.size() > 1) {
                    mixed = true;
                    int at = b.lastIndexOf("</td>");
                    b.insert(at, "<span class=\"sub\" title=\"" + configs.size()
                            + " configurations pooled; see the groups table\">\u2020</span>");
                }
            }
            if (diff) {
                Stats base = byLayer.get(BASELINE_LAYER);
                for (String l : layers) {
                    if (l.equals(BASELINE_LAYER)) {
                        continue;
                    }
                    Stats other = byLayer.get(l);
                    if (base == null || other == null) {
                        b.append("<td class=\"num missing\" data-sort=\"\">").append(DASH).append("</td>");
                    } else {
                        double d = other.mean() - base.mean();
                        b.append("<td class=\"num\" data-sort=\"").append(d).append("\">")
                                .append(String.format(Locale.ROOT, "%+.2f", d * 100)).append("</td>");
                    }
                }
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table></div>\n");
        return mixed;
    }

    /**
     * The condition axis of a family: label noise when the conditions differ only in its rate (one noise type), data
     * scarcity when they differ only in the subset; null otherwise (or with fewer than two values).
     */
    static @Nullable String axis(List<Condition> conditions) {
        if (conditions.size() < 2) return null;
        boolean sameSubset = conditions.stream().map(Condition::subset).distinct().count() == 1;
        boolean sameNoise = conditions.stream().map(Condition::labelNoise).distinct().count() == 1;
        boolean sameAdv = conditions.stream().map(c -> String.valueOf(c.adversarial())).distinct().count() == 1;
        boolean oneNoiseType = conditions.stream().filter(c -> c.labelNoise() > 0).map(Condition::noiseType).distinct()
                .count() <= 1;
        if (!sameAdv) return null;
        if (sameSubset && oneNoiseType && !sameNoise) return "noise";
        if (sameNoise && !sameSubset) return "subset";
        return null;
    }

    /** Accuracy against the condition axis, one line per layer, mean &plusmn; 1 sd over seeds (band). */
    private static void conditionChart(StringBuilder b, String family, List<RunRecord> members) {
        List<Condition> conditions = conditions(members);
        String axis = axis(conditions);
        if (axis == null) return;
        boolean noise = axis.equals("noise");
        java.util.function.ToDoubleFunction<Condition> x = c -> (noise ? c.labelNoise() : c.subset()) * 100;
        List<Double> ticks = conditions.stream().map(c -> x.applyAsDouble(c)).distinct().sorted().toList();
        List<LineChart.Series> series = new ArrayList<>();
        List<String> layers = layers(members);
        for (int i = 0; i < layers.size(); i++) {
            List<LineChart.Point> points = new ArrayList<>();
            List<Condition> byX = new ArrayList<>(conditions);
            byX.sort(Comparator.comparingDouble(x));
            for (Condition c : byX) {
                List<Double> values = new ArrayList<>();
                for (Groups.Group g : Groups.of(cell(members, c, layers.get(i)))) {
                    for (double v : g.accuracyBySeed().values()) values.add(v * 100);
                }
                Stats st = Stats.of(values);
                if (st != null) points.add(new LineChart.Point(x.applyAsDouble(c), st.mean(), st.std()));
            }
            series.add(new LineChart.Series(layers.get(i), i, points));
        }
        String what = noise ? "Label noise rate" : "Training subset";
        String type = noise ? conditions.stream().filter(c -> c.labelNoise() > 0).findFirst()
                .map(c -> c.noiseType().toString().toLowerCase(Locale.ROOT) + " ").orElse("") : "";
        b.append("<figure class=\"chart-box condition-chart\">\n")
                .append(LineChart.render(family + ": test accuracy against " + type + what.toLowerCase(Locale.ROOT),
                        "Test accuracy (%)", series, new LineChart.XAxis(what + " (%)", ticks,
                                v -> Condition.percent(v / 100), what.toLowerCase(Locale.ROOT) + " ")))
                .append("<figcaption>One line per layer: mean over seeds, band \u00b11 sample standard deviation ")
                .append("(where two or more seeds completed).</figcaption>\n</figure>\n");
    }

    /** The robustness table of a family; nothing when none of its completed runs was attacked. */
    private static boolean robustnessTable(StringBuilder b, List<RunRecord> members) {
        List<RunRecord> attacked = members.stream()
                .filter(r -> RunRecord.COMPLETED.equals(r.status()) && !r.robustness().isEmpty()).toList();
        if (attacked.isEmpty()) {
            return false;
        }
        List<String> layers = layers(attacked);
        List<Condition> conditions = conditions(attacked);
        List<String[]> attacks = attackColumns(attacked);
        b.append("<div class=\"table-wrap\"><table class=\"data conditions robust sortable\">\n<thead><tr>")
                .append("<th rowspan=\"2\">Condition</th>");
        for (String l : layers) {
            b.append("<th class=\"group\" colspan=\"").append(attacks.size()).append("\">").append(Html.escOrDash(l))
                    .append(" <span class=\"sub\">accuracy (%)</span></th>");
        }
        b.append("</tr><tr>");
        for (int i = 0; i < layers.size(); i++) {
            for (String[] a : attacks) {
                b.append("<th class=\"num\">").append(esc(a[0])).append("</th>");
            }
        }
        b.append("</tr></thead>\n<tbody>\n");
        boolean anySubset = false;
        Map<String, Set<String>> threats = new LinkedHashMap<>();
        for (Condition c : conditions) {
            b.append("<tr><td>").append(Html.escOrDash(c.label())).append("</td>");
            for (String l : layers) {
                List<RunRecord> cell = cell(attacked, c, l);
                for (String[] a : attacks) {
                    List<Double> values = new ArrayList<>();
                    boolean subset = false;
                    for (RunRecord r : cell) {
                        RobustnessRecord e = attackEntry(r, a[1]);
                        if (e != null) {
                            values.add(e.accuracy());
                            subset |= e.subset();
                            if (!e.threat().isEmpty()) {
                                threats.computeIfAbsent(a[0], k -> new TreeSet<>()).add(threat(e));
                            }
                        }
                    }
                    anySubset |= subset;
                    statsCell(b, Stats.of(values), cell.size(), subset);
                }
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table></div>\n");
        if (!threats.isEmpty()) {
            b.append("<p class=\"note\">Threat model ([0,1] pixels): ");
            int i = 0;
            for (Map.Entry<String, Set<String>> t : threats.entrySet()) {
                b.append(i++ > 0 ? "; " : "").append(esc(t.getKey())).append(' ')
                        .append(esc(String.join(" / ", t.getValue())));
            }
            b.append(".</p>\n");
        }
        return anySubset;
    }

    /** The attacks the runs were evaluated with (header and attack name), clean first, in the order they ran. */
    private static List<String[]> attackColumns(List<RunRecord> runs) {
        Set<String> names = new LinkedHashSet<>();
        for (RunRecord r : runs) for (RobustnessRecord e : r.robustness()) names.add(e.attack());
        List<String[]> out = new ArrayList<>();
        if (names.remove("clean")) out.add(new String[] {"clean", "clean"});
        for (String n : names) out.add(new String[] {n.toUpperCase(Locale.ROOT), n});
        return out;
    }

    // ------------------------------------------------------------------ cells

    /**
     * A cell {@code 91.23 ± 0.31 (n=3)}, or {@code 91.23 (n=1)}, or a dash when there is no value.
     *
     * @param runs how many runs of the combination exist (to explain a dash)
     */
    private static void statsCell(StringBuilder b, @Nullable Stats s, int runs, boolean subset) {
        if (s == null) {
            b.append("<td class=\"num missing\" data-sort=\"\"");
            if (runs > 0) {
                b.append(" title=\"").append(runs).append(runs == 1 ? " run" : " runs").append(", no completed result\"");
            }
            b.append('>').append(DASH).append("</td>");
            return;
        }
        b.append("<td class=\"num\" data-sort=\"").append(s.mean()).append("\">").append(format(s));
        if (subset) {
            b.append("<span class=\"sub\" title=\"attacked only part of the test set\">*</span>");
        }
        b.append("</td>");
    }

    /** Mean [± std] in percent with the count, as HTML: {@code 91.23 ± 0.31 <span class="sub">(n=3)</span>}. */
    static String format(Stats s) {
        StringBuilder out = new StringBuilder(Html.points(s.mean()));
        if (s.n() >= 2 && Double.isFinite(s.std())) {
            out.append(" \u00b1 ").append(Html.points(s.std()));
        }
        return out.append(" <span class=\"sub\">(n=").append(s.n()).append(")</span>").toString();
    }

    /**
     * The entry of an attack in a run: its end-to-end figure (for a network without feedback, the first-pass one),
     * or an entry named exactly as the attack.
     */
    private static @Nullable RobustnessRecord attackEntry(RunRecord r, String attack) {
        if (attack.equals("clean")) {
            return r.robustness("clean");
        }
        RobustnessRecord e = ReportGenerator.robustnessEntry(r, attack + "-e2e");
        return e != null ? e : r.robustness(attack);
    }

    private static String threat(RobustnessRecord e) {
        StringBuilder s = new StringBuilder();
        Object eps = e.threat().get("eps");
        Object steps = e.threat().get("steps");
        if (eps instanceof Number n) {
            s.append("eps ").append(String.format(Locale.ROOT, "%.4g", n.doubleValue()));
        }
        if (steps instanceof Number n && n.intValue() > 1) {
            s.append(s.length() > 0 ? ", " : "").append(n.intValue()).append(" steps");
        }
        return s.length() == 0 ? "as recorded" : s.toString();
    }

    // ------------------------------------------------------------------ ordering

    private static List<RunRecord> cell(List<RunRecord> runs, Condition condition, String layer) {
        List<RunRecord> out = new ArrayList<>();
        for (RunRecord r : runs) {
            if (ReportGenerator.condition(r).equals(condition) && nz(r.layer()).equals(layer)) {
                out.add(r);
            }
        }
        return out;
    }

    /** The layers of the runs: {@value #BASELINE_LAYER} first if present, then the others alphabetically. */
    static List<String> layers(List<RunRecord> runs) {
        Set<String> set = new LinkedHashSet<>();
        for (RunRecord r : runs) {
            set.add(nz(r.layer()));
        }
        List<String> out = new ArrayList<>(set);
        out.sort(LAYER_ORDER);
        return out;
    }

    static final Comparator<String> LAYER_ORDER = Comparator
            .comparing((String l) -> !l.equals(BASELINE_LAYER))
            .thenComparing(l -> l.toLowerCase(Locale.ROOT))
            .thenComparing(Comparator.naturalOrder());

    /** The distinct conditions of the runs in row order (clean first; see {@link Condition#compareTo}). */
    private static List<Condition> conditions(List<RunRecord> runs) {
        return runs.stream().map(ReportGenerator::condition).distinct().sorted().toList();
    }

    private static String nz(@Nullable String s) {
        return s == null ? "" : s;
    }
}
