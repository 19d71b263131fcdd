package org.pnnlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pnnlab.api.run.RunRecord;

class ReportGeneratorTest {
    private static final ZonedDateTime NOW = ZonedDateTime.of(2025, 3, 4, 5, 6, 7, 0, ZoneOffset.UTC);
    private static String html;

    @BeforeAll
    static void render() {
        html = ReportGenerator.render(Fixtures.sample(), List.of("Skipped runs/x/run.json: <bad> & broken"), NOW);
    }

    /** The part of the page from {@code <section id="name">} to its end. */
    private static String section(String id) {
        int start = html.indexOf("<section id=\"" + id + "\"");
        assertTrue(start >= 0, "section " + id + " missing");
        int end = html.indexOf("</section>", start);
        return html.substring(start, end);
    }

    /** The rows (tr elements) of a section's table body. */
    private static List<String> bodyRows(String section) {
        String body = section.substring(section.indexOf("<tbody>"), section.indexOf("</tbody>"));
        return Pattern.compile("<tr>.*?</tr>", Pattern.DOTALL).matcher(body).results().map(m -> m.group())
                .toList();
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void headerShowsRunCountAndGenerationTime() {
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        String header = html.substring(html.indexOf("<header>"), html.indexOf("</header>"));
        assertTrue(header.contains("5 runs</strong> in 2 experiments"), header);
        assertTrue(header.contains("2025-03-04 05:06:07 +00:00"), header);
        assertTrue(header.contains("4 completed, 1 interrupted"), header);
    }

    @Test
    void runTableHasFormattedValuesSortedByExperimentLayerSeed() {
        List<String> rows = bodyRows(section("runs"));
        assertEquals(5, rows.size());
        // order: conv seeds 1..4, then pnn
        for (int i = 0; i < 4; i++) {
            assertTrue(rows.get(i).contains("mnist-lenet-conv-s" + (i + 1) + "-"), rows.get(i));
        }
        assertTrue(rows.get(4).contains("mnist-lenet-pnn-s1-"));

        String seed1 = rows.get(0);
        assertTrue(seed1.contains(">98.43%<"), seed1);                 // final test accuracy
        assertTrue(seed1.contains("98.50% <span class=\"sub\">(ep.\u00a03)"), seed1); // best with its epoch
        assertTrue(seed1.contains(">1,234,567<"), seed1);              // trainable parameters
        assertTrue(seed1.contains(">4,096<"), seed1);                  // fixed values
        assertTrue(seed1.contains(">1 h 02 min<"), seed1);             // 3725 s of wall time
        assertTrue(seed1.contains("<span class=\"status completed\">completed</span>"), seed1);
        assertTrue(seed1.contains("<td>baseline</td>"), "condition column shown: " + seed1);

        String interrupted = rows.get(3);
        assertTrue(interrupted.contains("status interrupted"), interrupted);
        assertTrue(interrupted.contains("num missing"), "no final accuracy for an interrupted run");
        assertTrue(interrupted.contains("61.23% <span class=\"sub\">(ep.\u00a02)"), "best so far: " + interrupted);

        String pnn = rows.get(4);
        assertTrue(pnn.contains(">96.40%<"), pnn);
        assertTrue(pnn.contains("<td class=\"num legacy\" data-sort=\"0.9712\">97.12%</td>"), pnn);
        assertTrue(pnn.contains(">42.0 s<"), pnn);
        assertTrue(pnn.contains("<td class=\"num\" data-sort=\"1.0\">1/1</td>"), "one epoch completed: " + pnn);
        assertTrue(seed1.contains("<td class=\"num\" data-sort=\"3.0\">3/3</td>"), "epochs done/planned: " + seed1);
        assertTrue(interrupted.contains("<td class=\"num\" data-sort=\"2.0\">2/3</td>"),
                "interrupted after 2 of 3 planned epochs: " + interrupted);
        assertTrue(section("runs").contains("<span class=\"sub\">done/planned</span>"));
    }

    @Test
    void legacyMonitorColumnIsLabelledAsNotTestAccuracy() {
        assertTrue(section("runs").contains("Legacy smoothed monitor (not test accuracy)"));
        assertTrue(section("groups").contains("Legacy smoothed monitor (not test accuracy)"));
        assertTrue(html.contains("Legacy smoothed monitor per epoch \u2014 NOT test accuracy"));
    }

    @Test
    void groupedMeanAndSampleStdAreComputedOverCompletedRunsOnly() {
        String groups = section("groups");
        List<String> rows = bodyRows(groups);
        assertEquals(2, rows.size(), groups);
        String conv = rows.get(0);
        // final: 98.43, 98.61, 98.25 -> mean 98.43, deviations 0, +0.18, -0.18 -> s = sqrt(2*0.18^2/2) = 0.18
        assertTrue(conv.contains("98.43% \u00b1 0.18"), conv);
        // best: 98.50, 98.70, 98.30 -> mean 98.50, s = 0.20 (the interrupted run's 61.23% would pull it far down)
        assertTrue(conv.contains("98.50% \u00b1 0.20"), conv);
        assertTrue(conv.contains("<td class=\"num\" data-sort=\"4.0\">4</td>"), "4 runs: " + conv);
        assertTrue(conv.contains("<td class=\"num\" data-sort=\"3.0\">3</td>"), "3 completed: " + conv);
        assertTrue(conv.contains("1, 2, 3, 4"), "seeds listed: " + conv);
        assertTrue(conv.contains("<td>baseline</td>"), conv);

        String pnn = rows.get(1);
        assertTrue(pnn.contains("96.40% <span class=\"sub\">(n=1)</span>"), "single run has no std: " + pnn);
        assertTrue(pnn.contains("97.12% <span class=\"sub\">(n=1)</span>"), pnn);
        assertTrue(groups.contains("Only runs with status <em>completed</em> count"), "note under the table");
    }

    @Test
    void stringsFromRunsAndWarningsAreEscaped() {
        assertFalse(html.contains("<script>alert"), "raw script tag from a run leaked into the page");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assertFalse(html.contains("<bad>"));
        assertTrue(html.contains("Skipped runs/x/run.json: &lt;bad&gt; &amp; broken"));
        // the only script element is the sorting helper
        assertEquals(1, count(html, "<script>"));
    }

    @Test
    void chartsHaveOnePolylinePerRunAndPointsForSingleEpochRuns() {
        String test = section("curves");
        String testChart = test.substring(test.indexOf("id=\"chart-test\""), test.indexOf("id=\"chart-legacy\""));
        String legacyChart = test.substring(test.indexOf("id=\"chart-legacy\""));
        assertEquals(5, count(testChart, "<polyline"), "one line per run");
        // markers: 3 + 3 + 3 + 2 epochs + 1 epoch
        assertEquals(12, count(testChart, "<circle"));
        assertEquals(1, count(legacyChart, "<polyline"), "only the pnn run has the legacy monitor");
        assertEquals(1, count(legacyChart, "<circle"), "a one-epoch run is drawn as a point");
        // legend labels: experiment / layer / condition / seed
        assertTrue(testChart.contains("mnist-lenet-conv / conv / baseline / seed 4"), testChart);
        assertTrue(testChart.contains("mnist-lenet-pnn / pnn / seed 1"));
        assertTrue(testChart.contains(">Test accuracy (%)</text>"));
        assertTrue(testChart.contains(">Epoch</text>"));
        // five distinct colours
        Matcher m = Pattern.compile("<polyline class=\"run-line\" stroke=\"(#[0-9a-f]{6})\"").matcher(testChart);
        assertEquals(5, m.results().map(r -> r.group(1)).distinct().count());
    }

    @Test
    void noExternalResources() {
        Pattern remote = Pattern.compile("(?i)(src|href|xlink:href)\\s*=\\s*[\"']?\\s*(https?:)?//");
        assertFalse(remote.matcher(html).find(), "a src/href points to a remote URL");
        assertFalse(html.contains("<link"));
        assertFalse(html.contains("@import"));
        assertFalse(Pattern.compile("(?i)url\\(").matcher(html).find());
    }

    @Test
    void elementsAreBalanced() {
        for (String tag : List.of("table", "tr", "section", "svg", "figure", "details", "ul", "g", "text")) {
            int open = count(html, "<" + tag + ">") + count(html, "<" + tag + " ");
            assertEquals(open, count(html, "</" + tag + ">"), tag);
        }
    }

    @Test
    void emptyRunListStillRendersAValidPage() {
        String empty = ReportGenerator.render(List.of(), List.of(), NOW);
        assertTrue(empty.contains("0 runs</strong>"));
        assertFalse(empty.contains("<svg"));
        assertFalse(empty.contains("id=\"warnings\""));
    }

    @Test
    void runsWithoutOptionalValuesDoNotBreakTheReport() {
        // required fields are enforced by RunRecord (see ReportCommandTest); everything else may be absent
        var env = new org.pnnlab.api.run.EnvironmentInfo(null, null, null, 0, null, null, null, null);
        RunRecord bare = new RunRecord(1, "bare", "e", "failed", "l", 7, "d", "m", 0, 0, 0, java.util.Map.of(),
                env, List.of(), null, Double.NaN, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z", null);
        String page = ReportGenerator.render(List.of(bare), List.of(), NOW);
        assertTrue(page.contains("no data"), "run without epochs marked in the legend");
        String row = bodyRows(page.substring(page.indexOf("<section id=\"runs\""))).get(0);
        assertTrue(row.contains(">0/\u2014</td>"), "unknown planned epochs shown as a dash: " + row);
        assertTrue(row.contains("class=\"num missing\""), "no final accuracy: " + row);
        String main = page.substring(page.indexOf("<main>"), page.indexOf("</main>"));
        assertFalse(main.contains(">null<"), "no 'null' printed for missing values: " + main);
    }

    @Test
    void runningRunNotUpdatedForOverAnHourIsMarkedStale() {
        RunRecord base = Fixtures.run("e", "l", 1, RunRecord.RUNNING, new double[] {0.9, 0.95, 0.96}, 20,
                Double.NaN, null, Fixtures.config(null));
        // NOW is 2025-03-04T05:06:07Z
        RunRecord killed = Fixtures.with(base, RunRecord.RUNNING, 20, "2025-03-04T04:06:06Z");
        RunRecord live = Fixtures.with(base, RunRecord.RUNNING, 20, "2025-03-04T04:30:00Z");
        RunRecord exactlyAnHour = Fixtures.with(base, RunRecord.RUNNING, 20, "2025-03-04T04:06:07Z");
        RunRecord oldButDone = Fixtures.with(base, RunRecord.INTERRUPTED, 20, "2025-01-01T00:00:00Z");

        String stale = ReportGenerator.render(List.of(killed), List.of(), NOW);
        String row = bodyRows(stale.substring(stale.indexOf("<section id=\"runs\""))).get(0);
        assertTrue(row.contains("running (stale: last update <time datetime=\"2025-03-04T04:06:06Z\">"
                + "2025-03-04 04:06:06 +00:00</time>)"), row);
        assertTrue(row.contains("class=\"status stale\""), row);
        assertTrue(row.contains(">3/20</td>"), "epochs done/planned: " + row);
        assertTrue(stale.contains("(1 running (stale))"), "header counts it as stale");

        String shownInZone = ReportGenerator.render(List.of(killed), List.of(),
                NOW.withZoneSameInstant(java.time.ZoneOffset.ofHours(2)));
        assertTrue(shownInZone.contains("last update <time datetime=\"2025-03-04T04:06:06Z\">2025-03-04 06:06:06 +02:00"),
                "shown in the report's time zone");

        for (RunRecord r : List.of(live, exactlyAnHour)) {
            String page = ReportGenerator.render(List.of(r), List.of(), NOW);
            assertFalse(page.contains("(stale"), r.updatedAt());
            assertTrue(page.contains("<span class=\"status running\">running</span>"), r.updatedAt());
        }
        String interrupted = ReportGenerator.render(List.of(oldButDone), List.of(), NOW);
        assertFalse(interrupted.contains("(stale"), "only running runs can be stale");
        assertFalse(html.contains("stale: last update"), "finished sample runs are not stale");
    }

    @Test
    void sameLabelForTwoRunsIsMadeUnique() {
        RunRecord a = Fixtures.run("e", "l", 1, RunRecord.COMPLETED, new double[] {0.5}, 0.5, null,
                Fixtures.config(null));
        RunRecord b = new RunRecord(a.schemaVersion(), "other-id", a.experiment(), a.status(), a.layer(), a.seed(),
                a.dataset(), a.model(), a.plannedEpochs(), a.parameterCount(), a.fixedParameterCount(),
                a.configuration(), a.environment(), a.epochs(), a.finalMetrics(), a.wallTimeSeconds(), a.startedAt(),
                a.updatedAt(), a.finishedAt());
        var labels = ReportGenerator.labels(List.of(a, b));
        assertEquals(2, labels.values().stream().distinct().count(), labels.toString());
    }
}
