package org.pnnlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.pnnlab.api.run.DataConfig;
import org.pnnlab.api.run.LayerChoice;
import org.pnnlab.api.run.ModelConfig;
import org.pnnlab.api.run.ProcessInfo;
import org.pnnlab.api.run.RunConfig;
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
        assertFalse(header.contains("running"), header);
    }

    @Test
    void runTableHasFormattedValuesSortedByExperimentLayerSeed() {
        List<String> rows = bodyRows(section("runs"));
        assertEquals(5, rows.size());
        // order: conv seeds 1..4, then pnn (run ids are <experiment>-<layer>-<hash>-s<seed>)
        for (int i = 0; i < 4; i++) {
            assertTrue(Pattern.compile("mnist-lenet-conv-conv-[0-9a-f]{8}-s" + (i + 1) + "<").matcher(rows.get(i))
                    .find(), rows.get(i));
        }
        assertTrue(Pattern.compile("mnist-lenet-pnn-pnn-[0-9a-f]{8}-s1<").matcher(rows.get(4)).find(), rows.get(4));

        String seed1 = rows.get(0);
        assertTrue(seed1.contains(">98.43%<"), seed1);                 // final test accuracy
        assertTrue(seed1.contains("98.50% <span class=\"sub\">(ep.\u00a03)"), seed1); // best with its epoch
        assertTrue(seed1.contains(">1,234,567<"), seed1);              // trainable parameters
        assertTrue(seed1.contains(">4,096<"), seed1);                  // fixed values
        assertTrue(seed1.contains(">1 h 02 min<"), seed1);             // 3725 s of wall time
        assertTrue(seed1.contains("<span class=\"status completed\">completed</span>"), seed1);
        assertTrue(seed1.contains("<td>sym-noise 20%</td>"), "condition column shown: " + seed1);
        assertTrue(seed1.contains("<td>mnist</td><td>lenet</td>"), "dataset and model: " + seed1);
        assertFalse(seed1.contains("pnn resume"), "a completed run needs no resume command: " + seed1);

        String interrupted = rows.get(3);
        assertTrue(interrupted.contains("status interrupted"), interrupted);
        assertTrue(interrupted.contains("num missing"), "no final accuracy for an interrupted run");
        assertTrue(interrupted.contains("61.23% <span class=\"sub\">(ep.\u00a02)"), "best so far: " + interrupted);
        assertTrue(interrupted.contains("<code class=\"resume\">pnn resume runs/mnist-lenet-conv/"
                + Fixtures.sample().get(4).runId() + "</code>"), "resume command of an interrupted run: " + interrupted);

        String pnn = rows.get(4);
        assertTrue(pnn.contains(">96.40%<"), pnn);
        assertTrue(pnn.contains("<td class=\"num legacy\" data-sort=\"0.9712\">97.12%</td>"), pnn);
        assertTrue(pnn.contains(">42.0 s<"), pnn);
        assertTrue(pnn.contains("<td class=\"num\" data-sort=\"1.0\">1/1</td>"), "one epoch completed: " + pnn);
        assertTrue(pnn.contains("<td>clean</td>"), "a run without a condition is clean: " + pnn);
        assertTrue(pnn.contains("<td class=\"num\" data-sort=\"0.0\">0</td>"), "no fixed values: " + pnn);
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
        assertTrue(conv.contains("<td>sym-noise 20%</td>"), conv);

        String pnn = rows.get(1);
        assertTrue(pnn.contains("96.40% <span class=\"sub\">(n=1)</span>"), "single run has no std: " + pnn);
        assertTrue(pnn.contains("97.12% <span class=\"sub\">(n=1)</span>"), pnn);
        assertTrue(pnn.contains("<td>clean</td>"), pnn);
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
        assertTrue(testChart.contains("mnist-lenet-conv / conv / sym-noise 20% / seed 4"), testChart);
        assertTrue(testChart.contains("mnist-lenet-pnn / pnn / seed 1"), "a clean run's label has no condition");
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
        RunConfig config = RunConfig.of("e", DataConfig.of("d"), ModelConfig.everySlot("m", Map.of(),
                LayerChoice.of("l"))).withSeed(7);
        RunRecord bare = new RunRecord(RunRecord.SCHEMA_VERSION, "bare", "failed", config, null, env, null, List.of(),
                null, Double.NaN, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00Z", null, null);
        String page = ReportGenerator.render(List.of(bare), List.of(), NOW);
        assertTrue(page.contains("no data"), "run without epochs marked in the legend");
        String row = bodyRows(page.substring(page.indexOf("<section id=\"runs\""))).get(0);
        assertTrue(row.contains(">0/3</td>"), "no epoch done of the configured 3: " + row);
        assertTrue(row.contains("class=\"num missing\""), "no final accuracy: " + row);
        assertTrue(row.contains("<td class=\"num\" data-sort=\"0.0\">0</td>"), "no facts: no parameters: " + row);
        assertTrue(row.contains("<span class=\"status failed\">failed</span>"), row);
        assertTrue(row.contains("<code class=\"resume\">pnn resume runs/e/bare</code>"), "a failed run can be resumed: "
                + row);
        String main = page.substring(page.indexOf("<main>"), page.indexOf("</main>"));
        assertFalse(main.contains(">null<"), "no 'null' printed for missing values: " + main);
    }

    /** The single body row of the run table of a report of {@code runs} under the runs folder {@code folder}. */
    private static String runRow(RunRecord run, String folder) {
        String page = ReportGenerator.render(List.of(run), List.of(), NOW, folder);
        return bodyRows(page.substring(page.indexOf("<section id=\"runs\""))).get(0);
    }

    @Test
    void runningRunWhoseProcessIsGoneIsShownInterruptedWithItsResumeCommand() {
        RunRecord base = Fixtures.run("e", "l", 1, RunRecord.RUNNING, new double[] {0.9, 0.95, 0.96}, 20,
                Double.NaN, null, Fixtures.clean());
        ProcessInfo dead = Fixtures.deadProcess();
        RunRecord killed = Fixtures.with(base, RunRecord.RUNNING, dead);
        assertEquals(RunRecord.INTERRUPTED, killed.effectiveStatus());

        String page = ReportGenerator.render(List.of(killed), List.of(), NOW, "/data/pnn runs");
        String row = bodyRows(page.substring(page.indexOf("<section id=\"runs\""))).get(0);
        assertTrue(row.contains("<span class=\"status interrupted\" title=\"marked running, but its process ("
                + dead.pid() + ") is gone: the run was killed\">interrupted</span>"), row);
        assertTrue(row.contains("<code class=\"resume\">pnn resume &#39;/data/pnn runs/e/" + killed.runId() + "&#39;</code>"),
                "the resume command names the runs folder of the report, quoted for the shell: " + row);
        String plain = ReportGenerator.render(List.of(killed), List.of(), NOW, "/data/runs");
        assertTrue(plain.contains("<code class=\"resume\">pnn resume /data/runs/e/" + killed.runId() + "</code>"), plain);
        assertTrue(row.contains(">3/20</td>"), "epochs done/planned: " + row);
        assertTrue(row.contains("class=\"num missing\""), "no final accuracy: " + row);
        assertTrue(page.contains("(1 interrupted)"), "header counts it as interrupted");
        assertFalse(page.contains("status running"), page);

        // the render overload without a folder names the default one
        String defaultFolder = ReportGenerator.render(List.of(killed), List.of(), NOW);
        assertTrue(defaultFolder.contains("pnn resume runs/e/" + killed.runId() + "</code>"), defaultFolder);
        // the folder is escaped like every other string
        assertTrue(runRow(killed, "<x>&").contains("pnn resume &lt;x&gt;&amp;/e/"), runRow(killed, "<x>&"));

        // a pid that was reused by another process (another start time) is not the run's process either
        Assumptions.assumeTrue(ProcessHandle.current().info().startInstant().isPresent());
        ProcessInfo self = ProcessInfo.current();
        RunRecord reused = Fixtures.with(base, RunRecord.RUNNING,
                new ProcessInfo(self.pid(), self.host(), "2000-01-01T00:00:00Z"));
        assertTrue(runRow(reused, "runs").contains("status interrupted"), runRow(reused, "runs"));
    }

    @Test
    void runningRunWhoseProcessLivesOrCannotBeCheckedStaysRunning() {
        RunRecord base = Fixtures.run("e", "l", 1, RunRecord.RUNNING, new double[] {0.9, 0.95, 0.96}, 20,
                Double.NaN, null, Fixtures.clean());
        ProcessInfo dead = Fixtures.deadProcess();
        RunRecord live = Fixtures.with(base, RunRecord.RUNNING, Fixtures.liveProcess());
        RunRecord elsewhere = Fixtures.with(base, RunRecord.RUNNING,
                new ProcessInfo(dead.pid(), "another-host.invalid", null));
        RunRecord unknown = Fixtures.with(base, RunRecord.RUNNING, null);
        for (RunRecord r : List.of(live, elsewhere, unknown)) {
            String row = runRow(r, "runs");
            String what = String.valueOf(r.process());
            assertTrue(row.contains("<span class=\"status running\">running</span>"), what + ": " + row);
            assertFalse(row.contains("pnn resume"), what + ": " + row);
            assertTrue(row.contains(">3/20</td>"), what + ": " + row);
        }
        String page = ReportGenerator.render(List.of(live), List.of(), NOW);
        assertTrue(page.contains("(1 running)"), "header counts it as running");

        // only a record marked running can be interrupted by a gone process; a finished one keeps its status
        RunRecord completed = Fixtures.with(Fixtures.run("e", "l", 1, RunRecord.COMPLETED, new double[] {0.9}, 0.9,
                null, Fixtures.clean()), RunRecord.COMPLETED, dead);
        String done = runRow(completed, "runs");
        assertTrue(done.contains("<span class=\"status completed\">completed</span>"), done);
        assertFalse(done.contains("pnn resume"), done);
        assertFalse(html.contains("status running"), "no sample run is running");
    }

    @Test
    void readOnlyRecordOfAnOlderSchemaGetsNoResumeCommand() {
        RunRecord r = Fixtures.run("e", "l", 1, RunRecord.FAILED, new double[] {0.9}, 0.9, null, Fixtures.clean());
        RunRecord v1 = new RunRecord(1, r.runId(), r.status(), r.config(), r.facts(), r.environment(), null,
                r.epochs(), null, r.wallTimeSeconds(), r.startedAt(), r.updatedAt(), null, List.of());
        assertTrue(v1.readOnly());
        String row = runRow(v1, "runs");
        assertTrue(row.contains("<span class=\"status failed\">failed</span>"), row);
        assertFalse(row.contains("pnn resume"), "a version-1 record cannot be resumed: " + row);
        assertTrue(runRow(r, "runs").contains("pnn resume runs/e/" + r.runId()), "a version-2 one can");
    }

    @Test
    void sameLabelForTwoRunsIsMadeUnique() {
        RunRecord a = Fixtures.run("e", "l", 1, RunRecord.COMPLETED, new double[] {0.5}, 0.5, null,
                Fixtures.clean());
        RunRecord b = Fixtures.withRunId(a, "other-id");
        var labels = ReportGenerator.labels(List.of(a, b));
        assertEquals(2, labels.values().stream().distinct().count(), labels.toString());
        assertTrue(labels.get(b).endsWith("(other-id)"), labels.toString());
    }

    @Test
    void runsThatDifferOnlyInTheirLearningRateAreBothShown() {
        // Known limitation: the group and condition tables still group by experiment, layer and condition, so such
        // runs share a group; this test only documents that both runs are rendered in the run table.
        RunConfig base = Fixtures.config("e", "conv", 1, 3);
        RunRecord slow = Fixtures.run(base.withOptim(base.optim().withLearningRate(1e-4)), RunRecord.COMPLETED,
                new double[] {0.90, 0.91, 0.92}, 0.92, null);
        RunRecord fast = Fixtures.run(base.withOptim(base.optim().withLearningRate(1e-2)), RunRecord.COMPLETED,
                new double[] {0.80, 0.85, 0.86}, 0.86, null);
        assertFalse(slow.runId().equals(fast.runId()), "the configuration hash tells them apart");

        String page = ReportGenerator.render(List.of(slow, fast), List.of(), NOW);
        assertTrue(page.contains("2 runs</strong> in 1 experiment"), page);
        List<String> rows = bodyRows(page.substring(page.indexOf("<section id=\"runs\"")));
        assertEquals(2, rows.size());
        assertEquals(1, rows.stream().filter(r -> r.contains(slow.runId()) && r.contains(">92.00%<")).count(), rows.toString());
        assertEquals(1, rows.stream().filter(r -> r.contains(fast.runId()) && r.contains(">86.00%<")).count(), rows.toString());
        assertTrue(page.contains("id=\"groups\""));
    }
}
