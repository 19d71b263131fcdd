package org.pnnlab.report;

import static org.pnnlab.report.Html.DASH;
import static org.pnnlab.report.Html.esc;
import static org.pnnlab.report.Html.escOrDash;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.run.EnvironmentInfo;
import org.pnnlab.api.run.EpochRecord;
import org.pnnlab.api.run.FinalMetrics;
import org.pnnlab.api.run.RobustnessRecord;
import org.pnnlab.api.run.Condition;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.study.StudyManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders saved runs as one self-contained HTML5 page: inline CSS, inline SVG charts, no external resources
 * and no script needed to read it (a small inline script only makes table columns sortable by clicking).
 * Every string taken from a run is HTML-escaped.
 *
 * <p>Optional values a run record may lack (final metrics, finish time, environment details) are shown as
 * a dash rather than failing the report; a {@code run.json} missing a required field is rejected when read
 * (see {@link ReportCommand#load}).
 */
public final class ReportGenerator {
    private static final Logger LOG = LoggerFactory.getLogger(ReportGenerator.class);


    /** Header of the column showing the original code's smoothed monitor. */
    static final String LEGACY_HEADER = "Legacy smoothed monitor (not test accuracy)";

    /** Header of the column of the highest per-epoch test accuracy. */
    static final String BEST_TEST_HEADER = "Best test accuracy (selected on the test set)";


    private static final DateTimeFormatter SHOWN_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx",
            Locale.ROOT);

    private static final Comparator<RunRecord> ORDER = Comparator
            .comparing((RunRecord r) -> nz(r.experiment()))
            .thenComparing(r -> nz(r.layer()))
            .thenComparingLong(RunRecord::seed)
            .thenComparing(r -> nz(r.runId()));

    private ReportGenerator() {
    }

    /** Renders the report with the current time as its generation time. */
    public static String render(List<RunRecord> runs, List<String> warnings) {
        return render(runs, warnings, ZonedDateTime.now());
    }

    /**
     * Renders the report.
     *
     * @param runs the runs to show, in any order (rows are sorted by experiment, layer, then seed)
     * @param warnings problems to list in the report, e.g. files that could not be read
     * @param generatedAt the time printed in the header
     */
    public static String render(List<RunRecord> runs, List<String> warnings, ZonedDateTime generatedAt) {
        return render(runs, warnings, generatedAt, "runs");
    }

    /** Renders the report of the runs under {@code runsFolder} (named in the resume commands it shows). */
    public static String render(List<RunRecord> runs, List<String> warnings, ZonedDateTime generatedAt,
                                String runsFolder) {
        return render(runs, warnings, generatedAt, r -> runsFolder + "/" + r.experiment() + "/" + r.runId());
    }

    /** Renders the report; {@code folderOf} names each run's folder in the resume commands it shows. */
    public static String render(List<RunRecord> runs, List<String> warnings, ZonedDateTime generatedAt,
                                java.util.function.Function<RunRecord, String> folderOf) {
        return render(runs, List.of(), warnings, generatedAt, folderOf);
    }

    /**
     * Renders the report with a verdict table for each of {@code studies} (over the runs of its cells found among
     * {@code runs}); {@code folderOf} names each run's folder in the resume commands it shows.
     */
    public static String render(List<RunRecord> runs, List<StudyManifest> studies, List<String> warnings,
                                ZonedDateTime generatedAt, java.util.function.Function<RunRecord, String> folderOf) {
        List<RunRecord> sorted = new ArrayList<>(runs);
        sorted.sort(ORDER);
        Map<RunRecord, String> labels = labels(sorted);
        boolean anyCondition = sorted.stream().anyMatch(r -> !condition(r).isClean());

        StringBuilder b = new StringBuilder(32 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta name=\"generator\" content=\"PNN Lab pnn-report\">\n")
                .append("<title>PNN Lab report \u2014 ").append(sorted.size()).append(sorted.size() == 1 ? " run" : " runs")
                .append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");

        header(b, sorted, warnings, generatedAt);
        b.append("<main>\n");
        warnings(b, warnings);
        Verdicts.render(b, studies, sorted);
        runTable(b, sorted, anyCondition, folderOf);
        groupTable(b, sorted, anyCondition);
        ConditionTables.render(b, sorted);
        PerClassTable.render(b, sorted);
        robustnessTable(b, sorted);
        RobustnessEvidence.render(b, sorted, labels);
        SpectraSection.render(b, sorted);
        charts(b, sorted, labels);
        environment(b, sorted);
        b.append("</main>\n<footer>Generated by PNN Lab (pnn-report). Accuracies are percentages of the whole ")
                .append("test set unless labelled otherwise.</footer>\n");
        b.append("<script>\n").append(SORT_SCRIPT).append("</script>\n</body>\n</html>\n");
        LOG.debug("rendered report of {} runs ({} characters)", sorted.size(), b.length());
        return b.toString();
    }

    // ------------------------------------------------------------------ sections

    private static void header(StringBuilder b, List<RunRecord> runs, List<String> warnings,
                               ZonedDateTime generatedAt) {
        Set<String> experiments = new HashSet<>();
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        for (RunRecord r : runs) {
            experiments.add(nz(r.experiment()));
            byStatus.merge(r.effectiveStatus(), 1, Integer::sum);
        }
        b.append("<header>\n<h1>PNN Lab \u2014 run comparison</h1>\n<p class=\"meta\"><strong>")
                .append(runs.size()).append(runs.size() == 1 ? " run" : " runs").append("</strong> in ")
                .append(experiments.size()).append(experiments.size() == 1 ? " experiment" : " experiments");
        if (!byStatus.isEmpty()) {
            b.append(" (");
            int i = 0;
            for (Map.Entry<String, Integer> e : byStatus.entrySet()) {
                b.append(i++ > 0 ? ", " : "").append(e.getValue()).append(' ').append(esc(e.getKey()));
            }
            b.append(')');
        }
        b.append(" \u00b7 generated <time datetime=\"")
                .append(esc(generatedAt.truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)))
                .append("\">")
                .append(esc(generatedAt.format(SHOWN_TIME)))
                .append("</time>");
        if (!warnings.isEmpty()) {
            b.append(" \u00b7 <a href=\"#warnings\">").append(warnings.size())
                    .append(warnings.size() == 1 ? " warning" : " warnings").append("</a>");
        }
        b.append("</p>\n</header>\n");
    }

    private static void warnings(StringBuilder b, List<String> warnings) {
        if (warnings.isEmpty()) {
            return;
        }
        b.append("<section id=\"warnings\" class=\"warnings\">\n<h2>Warnings</h2>\n<ul>\n");
        for (String w : warnings) {
            b.append("<li>").append(esc(w)).append("</li>\n");
        }
        b.append("</ul>\n</section>\n");
    }

    private static void runTable(StringBuilder b, List<RunRecord> runs, boolean withCondition,
                                 java.util.function.Function<RunRecord, String> folderOf) {
        b.append("<section id=\"runs\">\n<h2>Runs</h2>\n");
        if (runs.isEmpty()) {
            b.append("<p class=\"note\">No runs to show.</p>\n</section>\n");
            return;
        }
        boolean anyValidation = runs.stream().anyMatch(Accuracy::atBestValidation);
        b.append("<div class=\"table-wrap\"><table class=\"data sortable\">\n<thead><tr>")
                .append("<th>Experiment</th><th>Layer</th>");
        if (withCondition) {
            b.append("<th>Condition</th>");
        }
        b.append("<th>Dataset</th><th>Model</th><th class=\"num\">Seed</th><th>Status</th>")
                .append("<th class=\"num\">Parameters<br><span class=\"sub\">trainable</span></th>")
                .append("<th class=\"num\">Fixed values<br><span class=\"sub\">stored, untrained</span></th>")
                .append("<th class=\"num\">Epochs<br><span class=\"sub\">done/planned</span></th>")
                .append("<th class=\"num\">Final test accuracy</th>")
                .append(anyValidation ? "<th class=\"num wrap\">Test accuracy at best validation epoch<br>"
                        + "<span class=\"sub\">(epoch)</span></th>" : "")
                .append("<th class=\"num wrap\">").append(esc(BEST_TEST_HEADER)).append("<br><span class=\"sub\">(epoch)</span></th>")
                .append("<th class=\"num legacy\">").append(esc(LEGACY_HEADER))
                .append("<br><span class=\"sub\">best</span></th>")
                .append("<th class=\"num\">Training time<br><span class=\"sub\">wall clock</span></th>")
                .append("<th>Run id</th></tr></thead>\n<tbody>\n");
        for (RunRecord r : runs) {
            FinalMetrics f = r.finalMetrics();
            b.append("<tr>");
            b.append("<td>").append(escOrDash(r.experiment())).append("</td>");
            b.append("<td>").append(escOrDash(r.layer())).append("</td>");
            if (withCondition) {
                b.append("<td>").append(escOrDash(condition(r).label())).append("</td>");
            }
            b.append("<td>").append(escOrDash(r.dataset())).append("</td>");
            b.append("<td>").append(escOrDash(r.model())).append("</td>");
            numCell(b, r.seed(), Long.toString(r.seed()));
            statusCell(b, r, folderOf.apply(r));
            long params = r.facts() == null ? 0 : r.facts().parameterCount();
            long fixed = r.facts() == null ? 0 : r.facts().fixedParameterCount();
            numCell(b, params, Html.thousands(params));
            numCell(b, fixed, Html.thousands(fixed));
            int done = epochs(r).size();
            numCell(b, done, done + "/" + (r.plannedEpochs() > 0 ? Integer.toString(r.plannedEpochs()) : DASH));

            Double finalAcc = f == null ? null : f.testAccuracy();
            if (finalAcc == null || !Double.isFinite(finalAcc)) {
                b.append("<td class=\"num missing\" data-sort=\"\" title=\"the run has no final result (status: ")
                        .append(esc(r.status())).append(")\">").append(DASH).append("</td>");
            } else {
                numCell(b, finalAcc, Html.percent(finalAcc));
            }

            if (anyValidation) {
                FinalMetrics fm = r.finalMetrics();
                if (fm == null || fm.testAccuracyAtBestValidation() == null) {
                    b.append("<td class=\"num missing\" data-sort=\"\">").append(DASH).append("</td>");
                } else {
                    b.append("<td class=\"num\" data-sort=\"").append(fm.testAccuracyAtBestValidation()).append("\">")
                            .append(Html.percent(fm.testAccuracyAtBestValidation())).append(" <span class=\"sub\">(ep.\u00a0")
                            .append(fm.bestValidationEpoch()).append(")</span></td>");
                }
            }

            Best best = best(r);
            if (best == null) {
                b.append("<td class=\"num missing\" data-sort=\"\">").append(DASH).append("</td>");
            } else {
                b.append("<td class=\"num").append(best.sofar ? " sofar" : "").append("\" data-sort=\"")
                        .append(best.value).append('"');
                if (best.sofar) {
                    b.append(" title=\"best over the epochs completed so far; the run did not finish\"");
                }
                b.append('>').append(Html.percent(best.value)).append(" <span class=\"sub\">(")
                        .append(best.epoch > 0 ? "ep.\u00a0" + best.epoch : DASH).append(")</span></td>");
            }

            Double legacy = legacyBest(r);
            if (legacy == null) {
                b.append("<td class=\"num legacy missing\" data-sort=\"\">").append(DASH).append("</td>");
            } else {
                b.append("<td class=\"num legacy\" data-sort=\"").append(legacy).append("\">")
                        .append(Html.percent(legacy)).append("</td>");
            }
            numCell(b, r.wallTimeSeconds(), Html.duration(r.wallTimeSeconds()));
            b.append("<td class=\"mono\">").append(escOrDash(r.runId())).append("</td>");
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table></div>\n<p class=\"note\">Final test accuracy is the accuracy of the final ")
                .append("model on the whole test set. Best test accuracy is the highest per-epoch test accuracy; ")
                .append("it is selected on the test set and therefore optimistic; no summary uses it. Where a run ")
                .append("has a validation split, the test accuracy at the epoch of the best validation accuracy is ")
                .append("the model selected without the test set, and the summaries use it. The legacy smoothed monitor is ")
                .append("the original PNN code's smoothed per-batch value, shown for comparison only; it is not an ")
                .append("accuracy of the test set. Click a column header to sort.</p>\n</section>\n");
    }

    /**
     * The robustness columns: the entry names the runs hold, {@code clean} first, then in the order the attacks were
     * run, an attack's {@code -first} and {@code -e2e} entries side by side. No list of attacks is written here: a new
     * attack gets its column from the records.
     */
    /** The columns that sit beside an attack's {@code -first} column: the other functions it attacked. */
    private static final List<String> FUNCTION_SUFFIXES = List.of("-e2e", "-average");

    /** What a column's function is, under its name in the header. */
    static String functionLabel(String column) {
        if (column.endsWith("-first")) return "first pass (reference)";
        if (column.endsWith("-e2e")) return "last cycle, end to end (reference)";
        if (column.endsWith("-average")) return "average over cycles, end to end (as classified)";
        return "";
    }

    static List<String> robustnessColumns(List<RunRecord> runs) {
        Set<String> present = new java.util.LinkedHashSet<>();
        for (RunRecord r : runs) for (RobustnessRecord e : r.robustness()) present.add(e.name());
        List<String> out = new ArrayList<>();
        if (present.remove("clean")) out.add("clean");
        for (String name : present) {
            if (out.contains(name)) continue;
            out.add(name);
            if (name.endsWith("-first")) {
                for (String other : FUNCTION_SUFFIXES) {
                    if (present.contains(name.replace("-first", other))) out.add(name.replace("-first", other));
                }
            }
        }
        return out;
    }

    static @Nullable RobustnessRecord robustnessEntry(RunRecord r, String column) {
        RobustnessRecord e = r.robustness(column);
        if (e != null || !column.endsWith("-e2e")) return e;
        // an ordinary network has one function: its "first" attack is also end to end
        RobustnessRecord first = r.robustness(column.replace("-e2e", "-first"));
        return first != null && first.gradient().equals("first") && first.classify().equals("model") ? first : null;
    }

    private static void robustnessTable(StringBuilder b, List<RunRecord> runs) {
        List<RunRecord> attacked = runs.stream().filter(r -> !r.robustness().isEmpty()).toList();
        if (attacked.isEmpty()) return;
        List<String> columns = robustnessColumns(attacked);
        b.append("<section id=\"robustness\">\n<h2>Robustness</h2>\n")
                .append("<div class=\"table-wrap\"><table class=\"data sortable\">\n<thead><tr>")
                .append("<th>Experiment</th><th>Model</th><th class=\"num\">Seed</th><th>Classified by</th>")
                .append("<th class=\"num\">Final test accuracy<br><span class=\"sub\">training</span></th>");
        for (String c : columns) {
            String what = functionLabel(c);
            b.append("<th class=\"num\">").append(esc(c));
            if (!what.isEmpty()) b.append("<br><span class=\"sub\">").append(esc(what)).append("</span>");
            b.append("</th>");
        }
        b.append("<th class=\"num\">min<br><span class=\"sub\">over attacks</span></th>")
                .append("<th>Threat model<br><span class=\"sub\">[0,1] pixels</span></th><th>Run id</th></tr></thead>\n<tbody>\n");
        boolean anySubset = false;
        for (RunRecord r : attacked) {
            b.append("<tr><td>").append(escOrDash(r.experiment())).append("</td><td>").append(escOrDash(r.model()))
                    .append("</td>");
            numCell(b, r.seed(), Long.toString(r.seed()));
            String classify = r.robustness().get(0).classify();
            b.append("<td>").append(esc(classify)).append("</td>");
            FinalMetrics f = r.finalMetrics();
            if (f == null) b.append("<td class=\"num missing\" data-sort=\"\">").append(DASH).append("</td>");
            else numCell(b, f.testAccuracy(), Html.percent(f.testAccuracy()));
            double min = Double.NaN;
            String threat = null;
            for (String c : columns) {
                RobustnessRecord e = robustnessEntry(r, c);
                if (e == null) {
                    b.append("<td class=\"num missing\" data-sort=\"\">").append(DASH).append("</td>");
                    continue;
                }
                if (!c.equals("clean") && e.corruptions() == null) {
                    min = Double.isNaN(min) ? e.accuracy() : Math.min(min, e.accuracy());
                    if (threat == null && !e.threat().isEmpty()) threat = threatText(e);
                }
                b.append("<td class=\"num\" data-sort=\"").append(e.accuracy()).append("\" title=\"")
                        .append(e.correct()).append(" of ").append(e.evaluated()).append(" test images; gradient: ")
                        .append(esc(e.gradient())).append("\">").append(Html.percent(e.accuracy()));
                if (e.subset()) {
                    anySubset = true;
                    b.append(" <span class=\"sub\">(first ").append(e.evaluated()).append(")</span>");
                }
                if (e.attack().equals("corruptions") || e.corruptions() != null) {
                    b.append(" <span class=\"sub\">(mean)</span>");
                }
                b.append(RobustnessEvidence.mark(e.masking()));
                b.append("</td>");
            }
            if (Double.isNaN(min)) b.append("<td class=\"num missing\" data-sort=\"\">").append(DASH).append("</td>");
            else numCell(b, min, Html.percent(min));
            b.append("<td>").append(threat == null ? DASH : esc(threat)).append("</td>");
            b.append("<td class=\"mono\">").append(escOrDash(r.runId())).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table></div>\n<p class=\"note\">Accuracy of the run's final model on adversarial test ")
                .append("images (pnn evaluate, or the evaluation after adversarial training). \"first\": the attack ")
                .append("differentiates (PGD) or queries (SPSA) the plain first pass; \"e2e\": the whole network through ")
                .append("its last cycle (both as the CNN-F reference attacks); \"average\": the whole network through ")
                .append("the feedback to the average of its passes, the function CNN-F classifies with (the adaptive ")
                .append("attack). For a network without feedback \"first\" and \"e2e\" are the same attack, shown in both ")
                .append("columns. A white-box figure whose evaluation failed a gradient-masking check is marked \"")
                .append(esc(org.pnnlab.api.run.GradientMaskingChecks.MARK)).append("\" with the check that failed. ")
                .append("\"corruptions\" is the mean accuracy over the common corruptions (not counted in \"min\"). Transfer: PGD computed on another run's network. The images are classified as shown ")
                .append("in \"Classified by\". \"min\" is the lowest attack column.");
        if (anySubset) {
            b.append(" Figures marked \"(first N)\" attacked only the first N test images, so they are accuracies ")
                    .append("of that subset, not of the whole test set.");
        }
        b.append("</p>\n</section>\n");
    }

    private static String threatText(RobustnessRecord e) {
        Object eps = e.threat().get("eps");
        Object step = e.threat().get("step");
        Object steps = e.threat().get("steps");
        return String.format(java.util.Locale.ROOT, "eps %s, step %s, %s steps", fmt(eps), fmt(step), steps);
    }

    private static String fmt(@Nullable Object v) {
        return v instanceof Number n ? String.format(java.util.Locale.ROOT, "%.4g", n.doubleValue()) : String.valueOf(v);
    }

    private static void groupTable(StringBuilder b, List<RunRecord> runs, boolean withCondition) {
        List<Groups.Group> groups = Groups.of(runs);
        Map<Groups.Group, String> distinctions = Groups.distinctions(groups);
        boolean anyDistinction = distinctions.values().stream().anyMatch(s -> !s.isEmpty());
        boolean anyRepeat = groups.stream().anyMatch(g -> !g.repeats().isEmpty());

        b.append("<section id=\"groups\">\n<h2>Grouped over seeds</h2>\n");
        if (groups.isEmpty()) {
            b.append("<p class=\"note\">No runs to group.</p>\n</section>\n");
            return;
        }
        b.append("<div class=\"table-wrap\"><table class=\"data sortable\">\n<thead><tr>")
                .append("<th>Experiment</th><th>Layer</th>");
        if (withCondition) {
            b.append("<th>Condition</th>");
        }
        if (anyDistinction) {
            b.append("<th>Differing settings<br><span class=\"sub\">vs. groups of the same experiment, layer, ")
                    .append("condition</span></th>");
        }
        b.append("<th>Configuration</th>")
                .append("<th class=\"num\">Seeds<br><span class=\"sub\">counted</span></th>")
                .append("<th class=\"num\">Completed</th>")
                .append("<th>Seeds</th>");
        if (anyRepeat) {
            b.append("<th>Repeated seeds<br><span class=\"sub\">not counted</span></th>");
        }
        b.append("<th class=\"num\">Test accuracy<br><span class=\"sub\">mean \u00b1 std</span></th>")
                .append("<th class=\"num legacy\">").append(esc(LEGACY_HEADER))
                .append("<br><span class=\"sub\">best, mean \u00b1 std</span></th>")
                .append("</tr></thead>\n<tbody>\n");
        for (Groups.Group g : groups) {
            List<Double> legacies = new ArrayList<>();
            int completed = 0;
            for (RunRecord r : g.counted()) {
                if (!RunRecord.COMPLETED.equals(r.status())) {
                    continue;
                }
                completed++;
                FinalMetrics f = r.finalMetrics();
                if (f != null && f.bestLegacySmoothedAccuracy() != null) {
                    legacies.add(f.bestLegacySmoothedAccuracy());
                }
            }
            b.append("<tr><td>").append(escOrDash(g.experiment())).append("</td><td>").append(escOrDash(g.layer()))
                    .append("</td>");
            if (withCondition) {
                b.append("<td>").append(escOrDash(g.condition().label())).append("</td>");
            }
            if (anyDistinction) {
                b.append("<td class=\"mono settings\">").append(escOrDash(distinctions.get(g))).append("</td>");
            }
            b.append("<td class=\"mono\">").append(esc(g.configHash())).append("</td>");
            numCell(b, g.counted().size(), Integer.toString(g.counted().size()));
            numCell(b, completed, Integer.toString(completed));
            StringBuilder seeds = new StringBuilder();
            for (RunRecord r : g.counted()) {
                seeds.append(seeds.length() > 0 ? ", " : "").append(r.seed());
            }
            b.append("<td class=\"seeds\">").append(esc(seeds)).append("</td>");
            if (anyRepeat) {
                b.append("<td class=\"seeds\">");
                if (g.repeats().isEmpty()) {
                    b.append(DASH);
                }
                int i = 0;
                for (RunRecord r : g.repeats()) {
                    RunRecord used = g.counted().stream().filter(c -> c.seed() == r.seed()).findFirst().orElseThrow();
                    b.append(i++ > 0 ? "<br>" : "").append("<span class=\"repeat\">seed ").append(r.seed())
                            .append(": <span class=\"mono\">").append(esc(r.runId()))
                            .append("</span> not counted; counted <span class=\"mono\">").append(esc(used.runId()))
                            .append("</span></span>");
                }
                b.append("</td>");
            }
            statsCell(b, Stats.of(new ArrayList<>(g.accuracyBySeed().values())), completed, "");
            statsCell(b, Stats.of(legacies), completed, " legacy");
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table></div>\n<p class=\"note\">A group is one configuration: every setting but the ")
                .append("seed is the same (the configuration hash of the run ids). Where groups of the same ")
                .append("experiment, layer and condition differ in other settings, the settings that differ are shown. ")
                .append("Each seed counts once: a repeated run of a seed (a rerun, run id ending -r2, ...) is listed ")
                .append("but not counted; the first completed run of the seed counts. Only runs with status ")
                .append("<em>completed</em> count in the statistics. Test accuracy is the ")
                .append(esc(Accuracy.MEANING)).append("; the best per-epoch test accuracy is not used here, as it is ")
                .append("selected on the test set. \u00b1 is the sample standard deviation (divisor n\u22121) in ")
                .append("percentage points; it needs at least two completed runs. Where a statistic covers fewer ")
                .append("runs than completed, n says how many.</p>\n")
                .append("</section>\n");
    }

    private static void charts(StringBuilder b, List<RunRecord> runs, Map<RunRecord, String> labels) {
        b.append("<section id=\"curves\">\n<h2>Learning curves</h2>\n");
        if (runs.isEmpty()) {
            b.append("<p class=\"note\">No runs to plot.</p>\n</section>\n");
            return;
        }
        List<LineChart.Series> test = new ArrayList<>();
        List<LineChart.Series> legacy = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            RunRecord r = runs.get(i);
            List<LineChart.Point> tp = new ArrayList<>();
            List<LineChart.Point> lp = new ArrayList<>();
            for (EpochRecord e : epochs(r)) {
                tp.add(new LineChart.Point(e.epoch(), e.testAccuracy() * 100));
                if (e.legacySmoothedAccuracy() != null) {
                    lp.add(new LineChart.Point(e.epoch(), e.legacySmoothedAccuracy() * 100));
                }
            }
            test.add(new LineChart.Series(labels.get(r), i, tp));
            if (!lp.isEmpty()) {
                legacy.add(new LineChart.Series(labels.get(r), i, lp));
            }
        }
        groupCurves(b, runs);
        b.append("<figure class=\"chart-box\" id=\"chart-test\">\n")
                .append(LineChart.render("Test accuracy per epoch", "Test accuracy (%)", test))
                .append("<figcaption>Accuracy on the whole test set after each epoch, one line per run. Hover a ")
                .append("point for its value.</figcaption>\n</figure>\n");
        if (!legacy.isEmpty()) {
            b.append("<figure class=\"chart-box\" id=\"chart-legacy\">\n")
                    .append(LineChart.render(
                            "Legacy smoothed monitor per epoch \u2014 NOT test accuracy",
                            "Legacy smoothed monitor (%)", legacy))
                    .append("<figcaption>The original PNN code's smoothed per-batch monitor, for the runs that ")
                    .append("recorded it. It is <strong>not</strong> an accuracy of the test set and should not be ")
                    .append("compared with the chart above as if it were.</figcaption>\n</figure>\n");
        }
        b.append("</section>\n");
    }

    /** Mean test accuracy per epoch of each group with a &plusmn;1 sd band; only when some group has two seeds. */
    private static void groupCurves(StringBuilder b, List<RunRecord> runs) {
        List<Groups.Group> groups = Groups.of(runs);
        if (groups.stream().noneMatch(g -> g.counted().size() >= 2)) {
            return;
        }
        Map<Groups.Group, String> distinctions = Groups.distinctions(groups);
        List<LineChart.Series> series = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            Groups.Group g = groups.get(i);
            Map<Integer, List<Double>> byEpoch = new java.util.TreeMap<>();
            for (RunRecord r : g.counted()) {
                if (!RunRecord.COMPLETED.equals(r.status())) {
                    continue;   // a run cut short would pull the mean of its last epochs alone
                }
                for (EpochRecord e : epochs(r)) {
                    byEpoch.computeIfAbsent(e.epoch(), k -> new ArrayList<>()).add(e.testAccuracy() * 100);
                }
            }
            List<LineChart.Point> points = new ArrayList<>();
            for (Map.Entry<Integer, List<Double>> e : byEpoch.entrySet()) {
                Stats st = Stats.of(e.getValue());
                if (st != null) points.add(new LineChart.Point(e.getKey(), st.mean(), st.std()));
            }
            String label = g.experiment() + " / " + g.layer() + (g.condition().isClean() ? "" : " / " + g.condition().label())
                    + (distinctions.get(g).isEmpty() ? "" : " / " + distinctions.get(g)) + " (n="
                    + g.counted().stream().filter(r -> RunRecord.COMPLETED.equals(r.status())).count() + ")";
            series.add(new LineChart.Series(label, i, points));
        }
        b.append("<figure class=\"chart-box\" id=\"chart-groups\">\n")
                .append(LineChart.render("Test accuracy per epoch, mean \u00b1 sd per group", "Test accuracy (%)", series))
                .append("<figcaption>One line per group (configuration; each seed counted once): the mean over its ")
                .append("completed seeds of the accuracy on the whole test set after each epoch, with a band of \u00b11 sample ")
                .append("standard deviation where at least two seeds reached the epoch.</figcaption>\n</figure>\n");
    }

    private static void environment(StringBuilder b, List<RunRecord> runs) {
        if (runs.isEmpty()) {
            return;
        }
        b.append("<section id=\"environment\">\n<details>\n<summary>Environment of each run</summary>\n")
                .append("<div class=\"table-wrap\"><table class=\"data sortable\">\n<thead><tr><th>Run id</th><th>Java</th>")
                .append("<th>OS</th><th class=\"num\">CPUs</th><th>ND4J backend</th><th>BLAS</th>")
                .append("<th>Git commit</th><th>PNN version</th><th>Started</th><th>Last update</th>")
                .append("<th>Finished</th></tr></thead>\n")
                .append("<tbody>\n");
        for (RunRecord r : runs) {
            EnvironmentInfo env = r.environment();
            b.append("<tr><td class=\"mono\">").append(escOrDash(r.runId())).append("</td>");
            if (env == null) {
                b.append("<td colspan=\"7\" class=\"missing\">not recorded</td>");
            } else {
                String java = env.javaVersion() == null ? null
                        : env.javaVersion() + (env.javaVendor() == null ? "" : " (" + env.javaVendor() + ")");
                b.append("<td>").append(escOrDash(java)).append("</td>")
                        .append("<td>").append(escOrDash(env.os())).append("</td>")
                        .append("<td class=\"num\">").append(env.cpus()).append("</td>")
                        .append("<td>").append(escOrDash(env.nd4jBackend())).append("</td>")
                        .append("<td>").append(escOrDash(env.blas())).append("</td>")
                        .append("<td class=\"mono\">").append(escOrDash(env.gitCommit())).append("</td>")
                        .append("<td>").append(escOrDash(env.pnnVersion())).append("</td>");
            }
            b.append("<td>").append(escOrDash(r.startedAt())).append("</td>")
                    .append("<td>").append(escOrDash(r.updatedAt())).append("</td>")
                    .append("<td>").append(escOrDash(r.finishedAt())).append("</td></tr>\n");
        }
        b.append("</tbody>\n</table></div>\n</details>\n</section>\n");
    }

    // ------------------------------------------------------------------ helpers

    private record Best(double value, int epoch, boolean sofar) {
    }

    /** The run's experimental condition, from its typed configuration. */
    static Condition condition(RunRecord r) {
        return r.config().condition();
    }

    /** The legend label of each run: experiment / layer [/ condition] / seed, made unique with the run id. */
    static Map<RunRecord, String> labels(List<RunRecord> runs) {
        Map<RunRecord, String> out = new HashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (RunRecord r : runs) {
            counts.merge(baseLabel(r), 1, Integer::sum);
        }
        for (RunRecord r : runs) {
            String base = baseLabel(r);
            out.put(r, counts.get(base) > 1 ? base + " (" + nz(r.runId()) + ")" : base);
        }
        return out;
    }

    private static String baseLabel(RunRecord r) {
        Condition c = condition(r);
        return nz(r.experiment()) + " / " + nz(r.layer()) + (c.isClean() ? "" : " / " + c.label()) + " / seed " + r.seed();
    }

    private static @Nullable Best best(RunRecord r) {
        FinalMetrics f = r.finalMetrics();
        if (f != null && Double.isFinite(f.bestTestAccuracy())) {
            return new Best(f.bestTestAccuracy(), f.bestEpoch(), false);
        }
        EpochRecord best = null;
        for (EpochRecord e : epochs(r)) {
            if (Double.isFinite(e.testAccuracy()) && (best == null || e.testAccuracy() > best.testAccuracy())) {
                best = e;
            }
        }
        return best == null ? null : new Best(best.testAccuracy(), best.epoch(), true);
    }

    private static @Nullable Double legacyBest(RunRecord r) {
        FinalMetrics f = r.finalMetrics();
        if (f != null && f.bestLegacySmoothedAccuracy() != null) {
            return f.bestLegacySmoothedAccuracy();
        }
        return epochs(r).stream().map(EpochRecord::legacySmoothedAccuracy).filter(Objects::nonNull)
                .filter(d -> Double.isFinite(d)).max(Double::compare).orElse(null);
    }

    private static List<EpochRecord> epochs(RunRecord r) {
        return r.epochs() == null ? List.of() : r.epochs();
    }

    /**
     * The status badge. A run still marked {@code running} whose process is gone ({@code kill -9}, a crash of the
     * machine) reads {@code interrupted}; an interrupted or failed run shows the command that resumes it.
     */
    private static void statusCell(StringBuilder b, RunRecord r, String dir) {
        String status = r.effectiveStatus();
        b.append("<td><span class=\"status ").append(statusClass(status)).append("\"");
        if (!status.equals(r.status())) {
            b.append(" title=\"marked running, but its process (").append(r.process() == null ? "?" : r.process().pid())
                    .append(") is gone: the run was killed\"");
        }
        b.append(">").append(escOrDash(status)).append("</span>");
        if ((status.equals(RunRecord.INTERRUPTED) || status.equals(RunRecord.FAILED)) && !r.readOnly()) {
            boolean plain = dir.matches("[A-Za-z0-9._/+:@=,-]+");
            b.append("<br><code class=\"resume\">pnn resume ").append(esc(plain ? dir : "'" + dir.replace("'", "'\\''") + "'"))
                    .append("</code>");
        }
        b.append("</td>");
    }

    private static String statusClass(@Nullable String status) {
        if (status == null) {
            return "unknown";
        }
        return switch (status) {
            case RunRecord.COMPLETED -> "completed";
            case RunRecord.INTERRUPTED -> "interrupted";
            case RunRecord.FAILED -> "failed";
            case RunRecord.RUNNING -> "running";
            default -> "unknown";
        };
    }

    private static void numCell(StringBuilder b, double sortValue, String shown) {
        b.append("<td class=\"num\" data-sort=\"").append(Double.isFinite(sortValue) ? sortValue : "")
                .append("\">").append(shown).append("</td>");
    }

    private static void statsCell(StringBuilder b, @Nullable Stats s, int completed, String extraClass) {
        if (s == null) {
            b.append("<td class=\"num missing").append(extraClass).append("\" data-sort=\"\">").append(DASH)
                    .append("</td>");
            return;
        }
        b.append("<td class=\"num").append(extraClass).append("\" data-sort=\"").append(s.mean()).append("\">")
                .append(Html.percent(s.mean()));
        if (s.n() >= 2) {
            b.append(" \u00b1 ").append(Html.points(s.std()));
        }
        if (s.n() < 2 || s.n() < completed) {
            b.append(" <span class=\"sub\">(n=").append(s.n()).append(")</span>");
        }
        b.append("</td>");
    }

    private static String nz(@Nullable String s) {
        return s == null ? "" : s;
    }

    // ------------------------------------------------------------------ static resources

    private static final String CSS = """
            :root { --fg:#1d232b; --muted:#5d6773; --line:#d9dee4; --zebra:#f5f7fa; --head:#eef1f5;
                    --accent:#1f5f99; --warn-bg:#fff6e0; --warn-line:#e6b44c; }
            * { box-sizing: border-box; }
            html { font-size: 15px; }
            body { margin: 0; color: var(--fg); background: #fff; line-height: 1.45;
                   font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
            header { padding: 28px 40px 18px; border-bottom: 1px solid var(--line); background: #fafbfc; }
            h1 { margin: 0 0 6px; font-size: 1.6rem; font-weight: 650; letter-spacing: -0.01em; }
            h2 { margin: 34px 0 12px; font-size: 1.2rem; font-weight: 650; }
            .meta { margin: 0; color: var(--muted); }
            .meta a { color: #9a5b00; }
            main { padding: 0 40px 30px; max-width: 1500px; }
            footer { padding: 16px 40px 30px; color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--line); }
            .table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; }
            table.data { border-collapse: collapse; width: 100%; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
            table.data th, table.data td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left;
                                           vertical-align: top; white-space: nowrap; }
            table.data thead th { background: var(--head); font-weight: 600; vertical-align: bottom;
                                  position: sticky; top: 0; }
            table.sortable thead th { cursor: pointer; user-select: none; }
            table.sortable thead th[aria-sort="ascending"]::after { content: " \\25B2"; font-size: 0.7em; }
            table.sortable thead th[aria-sort="descending"]::after { content: " \\25BC"; font-size: 0.7em; }
            table.data tbody tr:nth-child(even) { background: var(--zebra); }
            table.data tbody tr:hover { background: #e8f0fa; }
            table.data tbody tr:last-child td { border-bottom: none; }
            .num { text-align: right !important; }
            th.legacy, td.legacy { color: #6b5a2e; }
            th.legacy, th.wrap { white-space: normal !important; min-width: 11em; }
            .sub { color: var(--muted); font-weight: 400; font-size: 0.85em; }
            .missing { color: #9aa3ad; }
            .sofar { font-style: italic; color: var(--muted); }
            .mono, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85em; }
            .seeds { white-space: normal !important; max-width: 16em; }
            .status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 0.8rem; font-weight: 600; }
            .status.completed { background: #e3f4e6; color: #1e6b2e; }
            .status.interrupted { background: #fff0d6; color: #8a5300; }
            .status.failed { background: #fde3e3; color: #9b1c1c; }
            .status.running { background: #e1edfa; color: #1f5f99; }
            .status.unknown { background: #eceff2; color: #4b5560; }
            .note { color: var(--muted); font-size: 0.85rem; max-width: 75em; }
            .warnings { margin-top: 24px; padding: 4px 18px 8px; background: var(--warn-bg);
                        border: 1px solid var(--warn-line); border-radius: 6px; }
            .warnings h2 { margin-top: 12px; color: #8a5300; }
            .warnings li { margin: 4px 0; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
                           font-size: 0.82rem; overflow-wrap: anywhere; }
            figure.chart-box { margin: 0 0 26px; padding: 10px 12px; border: 1px solid var(--line); border-radius: 6px;
                               max-width: 1000px; }
            figcaption { color: var(--muted); font-size: 0.85rem; padding: 4px 6px 0; }
            svg.chart { width: 100%; height: auto; display: block; font-family: inherit; }
            svg.chart .chart-title { font-size: 16px; font-weight: 600; fill: var(--fg); }
            svg.chart .grid line { stroke: #e3e7ec; stroke-width: 1; }
            svg.chart .grid line.v { stroke: #f0f2f5; }
            svg.chart .axis line { stroke: #56606b; stroke-width: 1.2; }
            svg.chart .ticks text { font-size: 12px; fill: var(--muted); }
            svg.chart .axis-label { font-size: 13px; fill: var(--fg); }
            svg.chart .legend text { font-size: 12.5px; fill: var(--fg); }
            svg.chart .legend text.nodata { fill: #9aa3ad; }
            svg.chart .run-line:hover { stroke-width: 3.5; }
            h3 { margin: 22px 0 8px; font-size: 1.05rem; font-weight: 650; }
            .family { margin-bottom: 18px; }
            table.conditions { width: auto; min-width: 30em; }
            table.conditions th.group { text-align: center; border-left: 1px solid var(--line); }
            .verdict.better { color: #1e6b2e; font-weight: 600; }
            .verdict.worse { color: #9b1c1c; font-weight: 600; }
            .settings { white-space: normal !important; max-width: 24em; }
            .masking { color: #9b1c1c; font-size: 0.8em; font-weight: 600; white-space: normal; }
            details summary { cursor: pointer; font-size: 1.2rem; font-weight: 650; margin: 34px 0 12px; }
            @media print { header { background: none; } table.data thead th { position: static; }
                           details { display: block; } }
            """;

    /**
     * Optional: clicking a header sorts by that column (numbers by their data-sort value). Header rows may span
     * (a cell spanning columns is a caption, not a column); each table gets {@code data-sortable="ready"}.
     */
    private static final String SORT_SCRIPT = """
            (function () {
              function attach(table, th, col) {
                th.addEventListener('click', function () {
                  var asc = th.getAttribute('aria-sort') !== 'ascending';
                  Array.prototype.forEach.call(table.tHead.querySelectorAll('th'), function (h) {
                    h.removeAttribute('aria-sort');
                  });
                  th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
                  var body = table.tBodies[0];
                  var rows = Array.prototype.slice.call(body.rows);
                  function key(row) {
                    var c = row.cells[col];
                    if (!c) return '';
                    var s = c.getAttribute('data-sort');
                    if (s !== null) return s === '' ? null : parseFloat(s);
                    return c.textContent.trim().toLowerCase();
                  }
                  rows.sort(function (a, b) {
                    var x = key(a), y = key(b);
                    if (x === y) return 0;
                    if (x === null) return 1;
                    if (y === null) return -1;
                    var r = x < y ? -1 : 1;
                    return asc ? r : -r;
                  });
                  rows.forEach(function (row) { body.appendChild(row); });
                });
              }
              document.querySelectorAll('table.sortable').forEach(function (table) {
                if (!table.tHead || !table.tBodies.length) return;
                var taken = [];
                Array.prototype.forEach.call(table.tHead.rows, function (row, r) {
                  var col = 0;
                  Array.prototype.forEach.call(row.cells, function (th) {
                    while (taken[r] && taken[r][col]) col++;
                    var rs = th.rowSpan || 1, cs = th.colSpan || 1;
                    for (var i = 0; i < rs; i++) {
                      for (var j = 0; j < cs; j++) (taken[r + i] = taken[r + i] || [])[col + j] = true;
                    }
                    if (cs === 1) attach(table, th, col);
                    col += cs;
                  });
                });
                table.setAttribute('data-sortable', 'ready');
              });
            })();
            """;
}
