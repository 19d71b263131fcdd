package org.pnnlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;

class ReportCommandTest {
    @TempDir
    Path tmp;

    @Test
    void corruptRunIsSkippedAndListedInWarnings() throws IOException {
        Path runs = tmp.resolve("runs");
        RunRecord good = Fixtures.sample().get(2);
        RunStore.write(runs.resolve(good.experiment()).resolve(good.runId()).resolve(RunStore.RUN_JSON), good);
        Path corrupt = runs.resolve("mnist-lenet-conv").resolve("broken-run").resolve(RunStore.RUN_JSON);
        Files.createDirectories(corrupt.getParent());
        Files.writeString(corrupt, "{\"schemaVersion\": 1, \"runId\": \"broken", StandardCharsets.UTF_8);

        Path out = ReportCommand.write(runs, tmp.resolve("site/report.html"));

        assertTrue(out.isAbsolute());
        assertEquals(tmp.resolve("site/report.html").toAbsolutePath(), out);
        String html = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(html.contains("1 run</strong>"), "only the readable run is counted");
        assertTrue(html.contains(good.runId()));
        int warnings = html.indexOf("<section id=\"warnings\"");
        assertTrue(warnings >= 0, "warnings section present");
        String section = html.substring(warnings, html.indexOf("</section>", warnings));
        assertTrue(section.contains(corrupt.toAbsolutePath().normalize().toString()), section);
        assertTrue(section.contains("is not valid JSON"), section);
        assertTrue(section.contains("line 1"), "says where the JSON breaks: " + section);
        try (var files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void loadReportsEveryDamagedFile() throws IOException {
        Path runs = tmp.resolve("runs");
        Files.createDirectories(runs.resolve("a/1"));
        Files.createDirectories(runs.resolve("a/2"));
        Files.writeString(runs.resolve("a/1/run.json"), "[]");
        Files.writeString(runs.resolve("a/2/run.json"), "{\"schemaVersion\": 99}");
        ReportCommand.LoadedRuns loaded = ReportCommand.load(runs);
        assertEquals(0, loaded.runs().size());
        assertEquals(2, loaded.files());
        assertEquals(2, loaded.warnings().size());
        assertTrue(loaded.warnings().get(1).contains("schema version 99"), loaded.warnings().toString());

        PnnException e = assertThrows(PnnException.class, () -> ReportCommand.write(runs, tmp.resolve("r.html")));
        assertTrue(e.getMessage().contains("none of the 2 run.json files"), e.getMessage());
    }

    @Test
    void emptyFolderIsAnErrorThatSaysWhatToDo() throws IOException {
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        PnnException e = assertThrows(PnnException.class, () -> ReportCommand.write(runs, tmp.resolve("r.html")));
        assertEquals("no runs found under " + runs.toAbsolutePath().normalize()
                + "; run an experiment first, e.g. 'pnn run mnist-lenet-conv'", e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("r.html")));
    }

    @Test
    void missingFolderAndFolderAsOutputAreErrors() throws IOException {
        assertThrows(PnnException.class, () -> ReportCommand.write(tmp.resolve("nope"), tmp.resolve("r.html")));
        Path runs = tmp.resolve("runs");
        RunRecord good = Fixtures.sample().get(0);
        RunStore.write(runs.resolve("e/1/run.json"), good);
        PnnException e = assertThrows(PnnException.class, () -> ReportCommand.write(runs, tmp));
        assertTrue(e.getMessage().contains("is a folder"), e.getMessage());
    }

    @Test
    void runJsonMissingARequiredFieldIsListedInWarningsWithTheFieldName() throws IOException {
        Path runs = tmp.resolve("runs");
        RunRecord good = Fixtures.sample().get(0);
        RunStore.write(runs.resolve("e/good/run.json"), good);
        // the path of the removed field in run.json, and the name the warning gives it
        List<String[]> required = List.of(new String[] {"runId", "runId"}, new String[] {"status", "status"},
                new String[] {"config", "config"}, new String[] {"environment", "environment"},
                new String[] {"epochs", "epochs"}, new String[] {"startedAt", "startedAt"},
                new String[] {"updatedAt", "updatedAt"}, new String[] {"config.experiment", "experiment"},
                new String[] {"config.data", "data"}, new String[] {"config.model", "model"},
                new String[] {"config.optim", "optim"}, new String[] {"config.data.dataset", "data.dataset"},
                new String[] {"config.model.name", "model.name"},
                new String[] {"config.model.otherSlots", "model.otherSlots"});
        for (int i = 0; i < required.size(); i++) {
            ObjectNode tree = (ObjectNode) RunStore.mapper().readTree(RunStore.toJson(good));
            String[] path = required.get(i)[0].split("\\.");
            ObjectNode parent = tree;
            for (int k = 0; k < path.length - 1; k++) {
                parent = (ObjectNode) parent.get(path[k]);
            }
            assertTrue(parent.has(path[path.length - 1]), "the record has " + required.get(i)[0]);
            parent.remove(path[path.length - 1]);
            Path file = runs.resolve("e/missing-" + (char) ('a' + i) + "/run.json");
            Files.createDirectories(file.getParent());
            Files.writeString(file, RunStore.mapper().writeValueAsString(tree), StandardCharsets.UTF_8);
        }

        ReportCommand.LoadedRuns loaded = ReportCommand.load(runs);

        assertEquals(required.size() + 1, loaded.files());
        assertEquals(List.of(good.runId()), loaded.runs().stream().map(RunRecord::runId).toList());
        assertEquals(required.size(), loaded.warnings().size(), loaded.warnings().toString());
        for (int i = 0; i < required.size(); i++) {
            Path file = runs.resolve("e/missing-" + (char) ('a' + i) + "/run.json");
            String field = required.get(i)[1];
            String warning = loaded.warnings().stream().filter(w -> w.contains(file.toString())).findFirst()
                    .orElseThrow(() -> new AssertionError("no warning for " + file + ": " + loaded.warnings()));
            assertTrue(warning.contains("'" + field + "'"), "names the missing field " + field + ": " + warning);
            assertTrue(warning.contains("does not match the run schema"), warning);
        }

        Path out = ReportCommand.write(runs, tmp.resolve("report.html"));
        String html = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(html.contains("1 run</strong>"), "only the complete record is shown");
        assertTrue(html.contains(required.size() + " warnings</a>"), "warnings linked from the header");
        assertTrue(html.contains("run record has no &#39;updatedAt&#39;"), "field named in the page");
    }

    @Test
    void nanTrainingLossSurvivesTheRoundTrip() throws IOException {
        RunRecord r = Fixtures.sample().get(0);
        var epochs = new java.util.ArrayList<>(r.epochs());
        var e0 = epochs.get(0);
        epochs.set(0, new org.pnnlab.api.run.EpochRecord(e0.epoch(), Double.NaN, e0.testAccuracy(), e0.testCorrect(),
                e0.testTotal(), null, e0.seconds()));
        RunRecord diverged = Fixtures.withEpochs(r, epochs);
        Path runs = tmp.resolve("runs");
        RunStore.write(runs.resolve("e/1/run.json"), diverged);
        ReportCommand.LoadedRuns loaded = ReportCommand.load(runs);
        assertEquals(List.of(), loaded.warnings());
        assertTrue(Double.isNaN(loaded.runs().get(0).epochs().get(0).trainLoss()));
    }

    @Test
    void typedConfigurationAndConditionSurviveTheRoundTrip() throws IOException {
        RunRecord r = Fixtures.run("fmnist-convnorm", "convnorm", 2, RunRecord.COMPLETED, new double[] {0.8}, 0.8,
                null, Fixtures.all(Fixtures.noise(0.8), Fixtures.subset(0.07), Fixtures.freeAdv()));
        Path runs = tmp.resolve("runs");
        RunStore.write(runs.resolve(r.experiment()).resolve(r.runId()).resolve(RunStore.RUN_JSON), r);
        ObjectNode tree = (ObjectNode) RunStore.mapper().readTree(
                runs.resolve(r.experiment()).resolve(r.runId()).resolve(RunStore.RUN_JSON).toFile());
        assertTrue(tree.get("configuration") == null, "no free-form configuration map in schema 2");
        assertEquals(RunRecord.SCHEMA_VERSION, tree.get("schemaVersion").asInt());
        assertEquals(0.8, tree.at("/config/data/labelNoise").asDouble());
        assertEquals(0.07, tree.at("/config/data/subset").asDouble());
        assertEquals("free", tree.at("/config/adversarial/method").asText());
        assertEquals("convnorm", tree.at("/config/model/otherSlots/id").asText());
        assertEquals(1_234_567, tree.at("/facts/parameterCount").asLong());

        ReportCommand.LoadedRuns loaded = ReportCommand.load(runs);
        assertEquals(List.of(), loaded.warnings());
        RunRecord back = loaded.runs().get(0);
        assertEquals(r.config(), back.config());
        assertEquals(r.facts(), back.facts());
        assertEquals("sym-noise 80%, subset 7%, free-adv", ReportGenerator.condition(back).label());
        assertEquals("convnorm", back.layer());
        assertEquals(1, back.plannedEpochs());
    }

    @Test
    void killedRunShowsTheResumeCommandUnderTheGivenRunsFolder() throws IOException {
        Path runs = tmp.resolve("runs");
        RunRecord killed = Fixtures.with(Fixtures.run("e", "conv", 1, RunRecord.RUNNING, new double[] {0.5}, 3,
                Double.NaN, null, Fixtures.clean()), RunRecord.RUNNING, Fixtures.deadProcess());
        RunRecord live = Fixtures.run("e", "conv", 2, RunRecord.RUNNING, new double[] {0.6}, 3, Double.NaN, null,
                Fixtures.clean());
        for (RunRecord r : List.of(killed, live)) {
            RunStore.write(runs.resolve(r.experiment()).resolve(r.runId()).resolve(RunStore.RUN_JSON), r);
        }

        String html = Files.readString(ReportCommand.write(runs, tmp.resolve("report.html")), StandardCharsets.UTF_8);

        assertTrue(html.contains("(1 running, 1 interrupted)") || html.contains("(1 interrupted, 1 running)"),
                html.substring(html.indexOf("<header>"), html.indexOf("</header>")));
        assertTrue(html.contains("<code class=\"resume\">pnn resume " + runs + "/e/" + killed.runId() + "</code>"),
                html);
        assertFalse(html.contains("pnn resume " + runs + "/e/" + live.runId()), "a live run is not resumed");
    }

    @Test
    void versionOneRecordIsShownWithItsConditionButNoResumeCommand() throws IOException {
        Path runs = tmp.resolve("runs");
        Path file = runs.resolve("old/old-run-1/run.json");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                {"schemaVersion": 1, "runId": "old-run-1", "experiment": "old", "status": "interrupted",
                 "layer": "conv", "seed": 3, "dataset": "mnist", "model": "lenet5", "plannedEpochs": 5,
                 "parameterCount": 61706, "fixedParameterCount": 0,
                 "configuration": {"epochs": 5, "condition": "sym-noise 40%",
                                   "conditions": {"labelNoise": 0.4, "noiseType": "symmetric", "subset": 1.0}},
                 "environment": {"javaVersion": "17", "cpus": 4},
                 "epochs": [{"epoch": 1, "trainLoss": 0.9, "testAccuracy": 0.8, "testCorrect": 8000,
                             "testTotal": 10000, "seconds": 3.0}],
                 "wallTimeSeconds": 3.0, "startedAt": "2025-01-01T00:00:00Z", "updatedAt": "2025-01-01T00:00:03Z"}
                """, StandardCharsets.UTF_8);

        ReportCommand.LoadedRuns loaded = ReportCommand.load(runs);
        assertEquals(List.of(), loaded.warnings());
        RunRecord old = loaded.runs().get(0);
        assertTrue(old.readOnly());
        assertEquals("sym-noise 40%", ReportGenerator.condition(old).label());

        String html = Files.readString(ReportCommand.write(runs, tmp.resolve("report.html")), StandardCharsets.UTF_8);
        assertTrue(html.contains("<td>sym-noise 40%</td>"), html);
        assertTrue(html.contains("<span class=\"status interrupted\">interrupted</span>"), html);
        assertTrue(html.contains(">1/5</td>"), html);
        assertTrue(html.contains(">61,706<"), html);
        assertFalse(html.contains("pnn resume"), "a version-1 record cannot be resumed");
    }
}
