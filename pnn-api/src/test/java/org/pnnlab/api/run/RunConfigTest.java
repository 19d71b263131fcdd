package org.pnnlab.api.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.data.Normalization;

class RunConfigTest {
    static RunConfig config() {
        return RunConfig.of("fmnist-convnorm-robust", DataConfig.of("fashion-mnist").withLabelNoise(0.4, NoiseType.SYMMETRIC),
                        ModelConfig.firstAndRest("lenet", Map.of("nfilters", 32), LayerChoice.of("conv"),
                                LayerChoice.of("perturbation", Map.of("nmasks", 4, "mix_maps", true, "level", 0.5))))
                .withOptim(OptimConfig.DEFAULTS.withStepDecay(List.of(2), 0.1).withEpochs(3))
                .withAdversarial(new AdversarialTraining.Free(0.1, 0.05, 3))
                .withEvaluation(EvaluationConfig.of(List.of("clean", "pgd")))
                .withNormalization(Normalization.of(0.5, 0.5)).withSeed(7);
    }

    @Test
    void jsonRoundTripKeepsEveryTypedField() {
        RunConfig c = config();
        String json = RunConfigJson.write(c);
        RunConfig back = RunConfigJson.parse(json, "test");
        assertEquals(c, back);
        assertTrue(json.contains("\"method\" : \"free\""), json);
        assertTrue(json.contains("\"optimizer\" : \"adam\""), json);
        assertFalse(json.contains("\"layer\""), "derived values are not stored: " + json);
        RunConfig pgd = c.withAdversarial(AdversarialTraining.Pgd.of(0.2));
        assertEquals(pgd, RunConfigJson.parse(RunConfigJson.write(pgd), "test"));
        RunConfig none = c.withAdversarial(AdversarialTraining.NONE).withNormalization(null);
        assertEquals(none, RunConfigJson.parse(RunConfigJson.write(none), "test"));
    }

    @Test
    void strictReadingNamesTheFieldAndTheFix(@TempDir Path dir) throws Exception {
        String json = RunConfigJson.write(config());
        PnnException e = assertThrows(PnnException.class,
                () -> RunConfigJson.parse(json.replace("\"trainLimit\"", "\"trainLimmit\""), "f.json"));
        assertTrue(e.getMessage().startsWith("f.json: unknown field 'data.trainLimmit'"), e.getMessage());
        assertTrue(e.getMessage().contains("trainLimit"), e.getMessage());
        e = assertThrows(PnnException.class,
                () -> RunConfigJson.parse(json.replace("\"batchSize\" : 64", "\"batchSize\" : \"many\""), "f.json"));
        assertTrue(e.getMessage().contains("optim.batchSize"), e.getMessage());
        e = assertThrows(PnnException.class,
                () -> RunConfigJson.parse(json.replace("\"batchSize\" : 64", "\"batchSize\" : 1"), "f.json"));
        assertTrue(e.getMessage().contains("optim.batchSize (--batch-size) must be at least 2"), e.getMessage());
        e = assertThrows(PnnException.class,
                () -> RunConfigJson.parse(json.replace("\"optimizer\" : \"adam\"", "\"optimizer\" : \"lion\""), "f.json"));
        assertTrue(e.getMessage().contains("optim.optimizer"), e.getMessage());
        e = assertThrows(PnnException.class,
                () -> RunConfigJson.parse(json.replace("\"method\" : \"free\"", "\"method\" : \"trades\""), "f.json"));
        assertTrue(e.getMessage().contains("none, pgd or free"), e.getMessage());
        e = assertThrows(PnnException.class,
                () -> RunConfigJson.parse(json.replace("\"seed\" : 7", "\"zzz\" : 7").replace(",\n  \"zzz\" : 7", ""), "f.json"));
        assertTrue(e.getMessage().contains("seed") && e.getMessage().contains("missing"), e.getMessage());
        Path f = dir.resolve("c.json");
        Files.writeString(f, "{ not json");
        e = assertThrows(PnnException.class, () -> RunConfigJson.read(f));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void hashIgnoresTheSeedOnlyAndTheRunIdCarriesBoth() {
        RunConfig c = config();
        assertEquals(c.configHash(), c.withSeed(99).configHash());
        assertEquals(8, c.configHash().length());
        assertNotEquals(c.configHash(), c.withOptim(c.optim().withLearningRate(0.01)).configHash());
        assertNotEquals(c.configHash(), c.withData(c.data().withSubset(0.5)).configHash());
        assertNotEquals(c.configHash(), c.withModel(c.model().withOptions(Map.of("nfilters", 64))).configHash());
        // map order does not matter
        RunConfig reordered = c.withModel(c.model().withLayer(LayerChoice.of("perturbation",
                new java.util.TreeMap<>(Map.of("level", 0.5, "mix_maps", true, "nmasks", 4)))));
        assertEquals(c.configHash(), reordered.configHash());
        assertEquals("fmnist-convnorm-robust-perturbation-" + c.configHash() + "-s7", c.runId());
    }

    @Test
    void eotIsLeftOutOfTheHashAtItsDefaultSoEarlierHashesStayAndAbsentReadsAsTheDefault() {
        RunConfig c = config();
        String json = RunConfigJson.write(c).replaceAll(",\\s*\"eot\" : 1", "");
        assertFalse(json.contains("\"eot\""), json);
        assertEquals(c.configHash(), RunConfigJson.parse(json, "test").configHash());
        assertFalse(RunConfigJson.canonicalWithoutSeed(c).contains("eot"));
        RunConfig three = c.withEvaluation(c.evaluation().withEot(3));
        assertTrue(RunConfigJson.write(three).contains("\"eot\" : 3"));
        assertNotEquals(c.configHash(), three.configHash());
        assertEquals(EvaluationConfig.DEFAULT_EOT, RunConfigJson.parse(json, "test").evaluation().eot());
        assertEquals(three, RunConfigJson.parse(RunConfigJson.write(three), "test"));
        PnnException e = assertThrows(PnnException.class, () -> c.evaluation().withEot(0));
        assertTrue(e.getMessage().contains("evaluation.eot (--eot) must be >= 1"), e.getMessage());
    }

    @Test
    void everyDefaultAndCheckLivesInItsRecord() {
        assertThrows(PnnException.class, () -> OptimConfig.DEFAULTS.withSchedule(Schedule.STEP));
        assertThrows(PnnException.class, () -> OptimConfig.DEFAULTS.withLearningRate(-1));
        assertThrows(PnnException.class, () -> OptimConfig.DEFAULTS.withMomentum(1));
        assertThrows(PnnException.class, () -> new AdversarialTraining.Free(0, 0.1, 1));
        assertThrows(PnnException.class, () -> new ThreatSpec(1.5, 0.1, 1));
        assertThrows(PnnException.class, () -> config().withOptim(config().optim().withGradClip(1)),
                "free training does not clip");
        assertEquals(new ThreatSpec(0.1, 0.025, 20), new AdversarialTraining.Free(0.1, 0.1, 4).evaluationThreat());
        assertEquals(new ThreatSpec(0.2, 0.2 * 0.355, 7), AdversarialTraining.Pgd.of(0.2).evaluationThreat());
        assertEquals(new ThreatSpec(0.3, 0.1, 5),
                config().withEvaluation(config().evaluation().withThreat(new ThreatSpec(0.3, 0.1, 5))).evaluationThreat());
        assertEquals("sym-noise 40%, free-adv", config().condition().label());
        assertEquals("perturbation", config().layer());
        assertEquals("conv", config().model().firstSlot().id());
        assertEquals(LayerChoice.of("lbc"), config().model().withLayer(LayerChoice.of("lbc")).otherSlots());
        assertEquals(LayerChoice.of("conv"), config().model().withLayer(LayerChoice.of("lbc")).firstSlot());
    }

    @Test
    void versionOneRecordsLoadReadOnlyWithTheirThreatModel(@TempDir Path dir) throws Exception {
        String v1 = """
                {"schemaVersion": 1, "runId": "20260101-000000-conv-s3", "experiment": "fmnist-convnorm-robust",
                 "status": "completed", "layer": "conv", "seed": 3, "dataset": "fashion-mnist", "model": "simple_cnn",
                 "plannedEpochs": 1, "parameterCount": 23538, "fixedParameterCount": 0,
                 "configuration": {"experiment": "fmnist-convnorm-robust", "dataset": "fashion-mnist",
                   "trainImages": 60000, "testImages": 10000, "condition": "free-adv",
                   "conditions": {"labelNoise": 0.0, "noiseType": "symmetric", "noisyValidation": false,
                     "noisyLabels": 0, "subset": 1.0, "validation": 0.0, "trainImages": 60000, "validationImages": 0},
                   "model": "simple_cnn", "modelOptions": {}, "firstLayer": "conv", "firstLayerParams": {"act": "relu"},
                   "layer": "conv", "layerParams": {"act": "relu"}, "epochs": 1, "batchSize": 128, "learningRate": 0.05,
                   "optimizer": "momentum", "momentum": 0.9, "weightDecay": 1.0E-4, "schedule": "step", "gradClip": 0.0,
                   "dropLast": false, "iterationsPerEpoch": 469, "seed": 3, "augmentation": "none",
                   "normalization": {"mean": [0.286], "std": [0.353]}, "lrDecayEpochs": [2], "lrDecay": 0.1,
                   "adversarial": {"method": "free", "epsPixels": 0.1, "fgsmStepPixels": 0.1, "repeats": 4,
                     "evaluate": ["clean", "fgsm", "pgd"], "evalPgdStepPixels": 0.025, "evalPgdSteps": 20}},
                 "environment": {"javaVersion": "17", "cpus": 2},
                 "epochs": [{"epoch": 1, "trainLoss": 0.5, "testAccuracy": 0.8, "testCorrect": 8000, "testTotal": 10000,
                   "seconds": 10.0}],
                 "final": {"testAccuracy": 0.8, "testCorrect": 8000, "testTotal": 10000, "bestTestAccuracy": 0.8,
                   "bestEpoch": 1},
                 "wallTimeSeconds": 12.0, "startedAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:01:00Z",
                 "finishedAt": "2026-01-01T00:01:00Z"}
                """;
        Path f = dir.resolve("run.json");
        Files.writeString(f, v1);
        RunRecord r = RunStore.read(f);
        assertTrue(r.readOnly());
        assertEquals(new AdversarialTraining.Free(0.1, 0.1, 4), r.config().adversarial());
        assertEquals(new ThreatSpec(0.1, 0.025, 20), r.config().evaluationThreat());
        assertEquals(List.of("clean", "fgsm", "pgd"), r.config().evaluation().attacks());
        assertEquals(Schedule.STEP, r.config().optim().schedule());
        assertEquals(Optimizer.MOMENTUM, r.config().optim().optimizer());
        assertEquals(VariedSlots.ALL, r.config().model().varied());
        assertEquals(23538, r.facts().parameterCount());
        assertEquals("free-adv", r.config().condition().label());
        assertEquals(0.8, r.finalMetrics().testAccuracy());
        // evaluating it adds entries and keeps the old format
        RobustnessRecord pgd = new RobustnessRecord("pgd-first", "pgd", "first", "model", 0.5, 5, 10, 10_000, true, 1,
                Map.of(), Map.of(), null, 1, "2026-01-02T00:00:00Z");
        RunStore.addRobustness(f, List.of(pgd));
        assertTrue(Files.readString(f).contains("\"configuration\""));
        assertEquals(0.5, RunStore.read(f).robustness("pgd-first").accuracy());
        assertNull(RunStore.read(f).process());
    }
}
