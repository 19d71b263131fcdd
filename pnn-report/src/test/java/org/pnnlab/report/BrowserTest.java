package org.pnnlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;

/**
 * Opens a rendered report (runs of two experiments and a study) in headless Chromium: its scripts run without a
 * console error (every sortable table is marked ready by the sort script) and it renders to a screenshot. Skipped
 * where {@code /usr/bin/chromium} is missing.
 */
class BrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    static Path tmp;

    private static Path report;

    record Browser(int code, String stdout, String stderr) {
    }

    @BeforeAll
    static void renderReport() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
                "headless Chromium is not installed at " + CHROMIUM + "; apt-get install chromium to run this check");
        Path runs = tmp.resolve("runs");
        List<RunRecord> all = new ArrayList<>(Fixtures.studyRuns());
        Fixtures.writeStudy(runs, all);
        for (RunRecord r : Fixtures.sample()) {
            RunStore.write(runs.resolve(r.experiment()).resolve(r.runId()).resolve(RunStore.RUN_JSON), r);
        }
        report = ReportCommand.write(runs, tmp.resolve("report.html"));
    }

    /** Runs Chromium headless on {@code page} with {@code args}, logging the console to stderr. */
    private static Browser chromium(Path page, String... args) throws Exception {
        Path profile = Files.createTempDirectory(tmp, "profile");
        List<String> cmd = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0"));
        cmd.addAll(List.of(args));
        cmd.add(page.toUri().toString());
        Path out = tmp.resolve("chromium-" + System.nanoTime() + ".out");
        Path err = tmp.resolve("chromium-" + System.nanoTime() + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("chromium did not finish in 120 s: " + String.join(" ", cmd));
        }
        return new Browser(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Console messages and uncaught errors Chromium logged for the page. */
    private static List<String> consoleProblems(String stderr) {
        return stderr.lines().filter(l -> l.contains("CONSOLE") || l.contains("Uncaught")).toList();
    }

    @Test
    void everySortableTableIsReadyAndTheConsoleIsClean() throws Exception {
        String html = Files.readString(report, StandardCharsets.UTF_8);
        int tables = count(html, Pattern.compile("<table class=\"[^\"]*\\bsortable\\b"));
        int allTables = count(html, Pattern.compile("<table\\b"));
        assertEquals(allTables, tables, "every table is sortable");
        assertTrue(html.contains("id=\"verdicts\""), "the study's verdicts are part of the page");

        Browser b = chromium(report, "--dump-dom");
        assertEquals(0, b.code(), b.stderr());
        assertEquals(tables, count(b.stdout(), Pattern.compile("<table[^>]*data-sortable=\"ready\"")),
                "the sort script ran on every sortable table");
        assertEquals(List.of(), consoleProblems(b.stderr()));
    }

    @Test
    void theReportRendersToAScreenshot() throws Exception {
        Path png = tmp.resolve("report.png");
        Browser b = chromium(report, "--screenshot=" + png, "--window-size=1400,3000", "--hide-scrollbars");
        assertEquals(0, b.code(), b.stderr());
        assertTrue(Files.size(png) > 20_000, "a screenshot of a real page, not a blank one: " + Files.size(png));
        byte[] head = Files.readAllBytes(png);
        assertEquals((byte) 0x89, head[0]);
        assertEquals("PNG", new String(head, 1, 3, StandardCharsets.US_ASCII));
        assertEquals(List.of(), consoleProblems(b.stderr()));
    }

    /** The check can fail: a page whose script throws is caught by the same scan. */
    @Test
    void aScriptErrorIsSeen() throws Exception {
        Path broken = tmp.resolve("broken.html");
        Files.writeString(broken, "<!DOCTYPE html><html><body><p>x</p><script>noSuchFunction();</script></body></html>");
        Browser b = chromium(broken, "--dump-dom");
        assertFalse(consoleProblems(b.stderr()).isEmpty(), b.stderr());
    }

    private static int count(String s, Pattern p) {
        return (int) p.matcher(s).results().count();
    }
}
