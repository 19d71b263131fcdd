package org.pnnlab.api.run;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.data.Normalization;

/**
 * Reads a {@code run.json} of schema version 1, whose settings were a free-form {@code configuration} map, into the
 * typed record. This is the one place that reads settings by string keys, and only those of that old format; the
 * result is read-only ({@link RunRecord#readOnly()}). Settings version 1 did not record take their defaults (the
 * training-image limit: none).
 */
final class RunRecordV1 {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private RunRecordV1() {
    }

    static RunRecord convert(JsonNode tree, ObjectMapper mapper, Path file) {
        try {
            JsonNode c = tree.path("configuration");
            JsonNode cond = c.path("conditions");
            DataConfig data = DataConfig.of(text(tree, "dataset", text(c, "dataset", "unknown")))
                    .withValidation(num(cond, "validation", 0)).withSubset(num(cond, "subset", 1))
                    .withLabelNoise(num(cond, "labelNoise", 0), NoiseType.parse(text(cond, "noiseType", "symmetric")))
                    .withNoisyValidation(cond.path("noisyValidation").asBoolean(false));
            LayerChoice other = new LayerChoice(text(tree, "layer", text(c, "layer", "unknown")), map(mapper, c, "layerParams"));
            LayerChoice first = new LayerChoice(text(c, "firstLayer", other.id()), map(mapper, c, "firstLayerParams"));
            ModelConfig model = new ModelConfig(text(tree, "model", text(c, "model", "unknown")), map(mapper, c, "modelOptions"),
                    first, other, first.equals(other) ? VariedSlots.ALL : VariedSlots.ALL_BUT_FIRST);
            List<Integer> decay = new ArrayList<>();
            c.path("lrDecayEpochs").forEach(n -> decay.add(n.asInt()));
            Schedule schedule = Schedule.parse(text(c, "schedule", decay.isEmpty() ? "constant" : "step"));
            OptimConfig optim = OptimConfig.DEFAULTS.withOptimizer(Optimizer.parse(text(c, "optimizer", "adam")))
                    .withLearningRate(num(c, "learningRate", OptimConfig.DEFAULTS.learningRate()))
                    .withMomentum(num(c, "momentum", 0.9)).withWeightDecay(num(c, "weightDecay", 0))
                    .withPower(num(c, "power", 0.9)).withGradClip(num(c, "gradClip", 0))
                    .withBatchSize((int) num(c, "batchSize", 64))
                    .withEpochs((int) num(tree, "plannedEpochs", num(c, "epochs", 1)))
                    .withDropLast(c.path("dropLast").asBoolean(false));
            optim = schedule == Schedule.STEP ? optim.withStepDecay(decay, num(c, "lrDecay", 0.1)) : optim.withSchedule(schedule);
            AdversarialTraining adv = AdversarialTraining.NONE;
            EvaluationConfig eval = EvaluationConfig.NONE;
            JsonNode a = c.path("adversarial");
            if (a.isObject()) {
                List<String> attacks = new ArrayList<>();
                a.path("evaluate").forEach(n -> attacks.add(n.asText()));
                eval = eval.withAttacks(attacks);
                double eps = num(a, "epsPixels", 0.1);
                if ("free".equals(text(a, "method", "pgd"))) {
                    adv = new AdversarialTraining.Free(eps, num(a, "fgsmStepPixels", eps), (int) num(a, "repeats", 4));
                    eval = eval.withThreat(new ThreatSpec(eps, num(a, "evalPgdStepPixels", eps / 4),
                            (int) num(a, "evalPgdSteps", AdversarialTraining.Free.EVALUATION_STEPS)));
                } else {
                    adv = new AdversarialTraining.Pgd(new ThreatSpec(eps, num(a, "stepPixels", eps * AdversarialTraining.Pgd.STEP_RATIO),
                            (int) num(a, "steps", 7)), !"no".equals(text(a, "clean", "supclean")),
                            num(a, "cleanWeight", 1), num(a, "mseWeight", 0.1));
                    eval = eval.withSpsa((long) num(a, "spsaLimit", 1000), eval.spsaSamples());
                }
            }
            @Nullable Normalization norm = null;
            JsonNode n = c.path("normalization");
            if (n.path("mean").isArray() && n.path("std").isArray()) {
                norm = new Normalization(doubles(n.path("mean")), doubles(n.path("std")));
            }
            Augmentation aug = "crop_flip".equals(text(c, "augmentation", "none")) ? Augmentation.CROP_FLIP : Augmentation.NONE;
            RunConfig config = new RunConfig(text(tree, "experiment", "unknown"), data, model, optim, adv, eval, aug, norm,
                    tree.path("seed").asLong(c.path("seed").asLong(1)), RegularisationConfig.NONE);
            RunFacts facts = new RunFacts(tree.path("parameterCount").asLong(), tree.path("fixedParameterCount").asLong(),
                    (int) num(cond, "trainImages", num(c, "trainImages", 0)), (int) num(cond, "validationImages", 0),
                    (int) num(c, "testImages", 0), (int) num(c, "iterationsPerEpoch", 0), (int) num(cond, "noisyLabels", 0),
                    (int) num(cond, "noisyValidationLabels", 0));
            List<EpochRecord> epochs = mapper.convertValue(tree.path("epochs").isArray() ? tree.path("epochs")
                    : mapper.createArrayNode(), new TypeReference<List<EpochRecord>>() {
                    });
            FinalMetrics fin = tree.path("final").isObject() ? mapper.treeToValue(tree.path("final"), FinalMetrics.class) : null;
            List<RobustnessRecord> rob = tree.path("robustness").isArray() ? mapper.convertValue(tree.path("robustness"),
                    new TypeReference<List<RobustnessRecord>>() {
                    }) : List.of();
            EnvironmentInfo env = tree.path("environment").isObject()
                    ? mapper.treeToValue(tree.path("environment"), EnvironmentInfo.class)
                    : new EnvironmentInfo(null, null, null, 0, null, null, null, null);
            return new RunRecord(1, text(tree, "runId", file.getParent().getFileName().toString()),
                    text(tree, "status", RunRecord.FAILED), config, facts, env, null, epochs, fin,
                    num(tree, "wallTimeSeconds", 0), text(tree, "startedAt", ""), text(tree, "updatedAt", ""),
                    tree.hasNonNull("finishedAt") ? tree.get("finishedAt").asText() : null, rob);
        } catch (PnnException | IllegalArgumentException | java.io.IOException e) {
            throw new PnnException(file + " is a version-1 run record whose settings cannot be read (" + e.getMessage()
                    + ")", e);
        }
    }

    private static String text(JsonNode n, String key, String fallback) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    private static double num(JsonNode n, String key, double fallback) {
        JsonNode v = n.get(key);
        return v == null || !v.isNumber() ? fallback : v.asDouble();
    }

    private static Map<String, Object> map(ObjectMapper mapper, JsonNode n, String key) {
        JsonNode v = n.get(key);
        return v == null || !v.isObject() ? Map.of() : mapper.convertValue(v, MAP);
    }

    private static double[] doubles(JsonNode arr) {
        double[] d = new double[arr.size()];
        for (int i = 0; i < d.length; i++) d[i] = arr.get(i).asDouble();
        return d;
    }
}
