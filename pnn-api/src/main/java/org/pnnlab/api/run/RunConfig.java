package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.data.Normalization;

/**
 * Every setting of one run, as one value: the single source of truth from the command line (or a configuration
 * file) to {@code run.json}, the report, {@code pnn evaluate} and {@code pnn resume}. A named experiment is a preset
 * of this record. Each setting has one typed field, one default and one range check, in the record that holds it.
 *
 * <p>What a run only measures (parameter counts, image counts) is not configuration: it is in
 * {@link RunFacts}. Where a run runs (folders, downloads, checkpoint interval) is not either.
 *
 * @param experiment the name of the experiment (preset) this configuration came from; runs are saved under it
 * @param data the training data and its conditions
 * @param model the architecture and the layer of each slot group
 * @param optim the optimiser and schedule
 * @param adversarial adversarial training
 * @param evaluation the robustness evaluation after training
 * @param augmentation training-time augmentation
 * @param normalization the input normalisation; null: the dataset's own
 * @param seed fixes masks, initialisation, data order, conditions and every random draw of training
 * @param regularisation extra terms of the training loss; absent (null) in records written before it existed,
 *     which read as {@link RegularisationConfig#NONE}
 */
public record RunConfig(String experiment, DataConfig data, ModelConfig model, OptimConfig optim,
                        AdversarialTraining adversarial, EvaluationConfig evaluation, Augmentation augmentation,
                        @Nullable Normalization normalization, long seed,
                        @Nullable RegularisationConfig regularisation) {
    public RunConfig {
        if (regularisation == null) regularisation = RegularisationConfig.NONE;
        Checks.nonNull(experiment, "experiment");
        Checks.nonNull(data, "data");
        Checks.nonNull(model, "model");
        Checks.nonNull(optim, "optim");
        Checks.nonNull(adversarial, "adversarial");
        Checks.nonNull(evaluation, "evaluation");
        Checks.nonNull(augmentation, "augmentation");
        if (adversarial instanceof AdversarialTraining.Free && optim.gradClip() > 0) {
            throw new org.pnnlab.api.PnnException("free adversarial training does not clip gradients; drop --grad-clip "
                    + "(optim.gradClip)");
        }
    }

    /** A preset: {@code experiment} on {@code data} with {@code model}, default optimisation, seed 1. */
    public static RunConfig of(String experiment, DataConfig data, ModelConfig model) {
        return new RunConfig(experiment, data, model, OptimConfig.DEFAULTS, AdversarialTraining.NONE,
                EvaluationConfig.NONE, Augmentation.NONE, null, 1,
                RegularisationConfig.NONE);
    }

    /** The id of the layer under test. */
    @JsonIgnore
    public String layer() {
        return model.otherSlots().id();
    }

    /** The experimental condition of this run, for grouping and labels. */
    @JsonIgnore
    public Condition condition() {
        return new Condition(data.labelNoise(), data.noiseType(), data.subset(), adversarial.conditionLabel());
    }

    /** The threat model of this run's robustness evaluation. */
    @JsonIgnore
    public ThreatSpec evaluationThreat() {
        return evaluation.threatFor(adversarial);
    }

    /**
     * A short hash of every setting but the seed: equal for the seeds of one configuration, different for any other
     * difference (8 hex digits of SHA-256 over the canonical JSON).
     */
    @JsonIgnore
    public String configHash() {
        String json = RunConfigJson.canonicalWithoutSeed(this);
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** The run's id and folder name: {@code <experiment>-<layer>-<hash>-s<seed>}. */
    @JsonIgnore
    public String runId() {
        return experiment + "-" + layer() + "-" + configHash() + "-s" + seed;
    }

    public RunConfig withExperiment(String name) {
        return new RunConfig(name, data, model, optim, adversarial, evaluation, augmentation, normalization, seed, regularisation);
    }

    public RunConfig withData(DataConfig d) {
        return new RunConfig(experiment, d, model, optim, adversarial, evaluation, augmentation, normalization, seed, regularisation);
    }

    public RunConfig withModel(ModelConfig m) {
        return new RunConfig(experiment, data, m, optim, adversarial, evaluation, augmentation, normalization, seed, regularisation);
    }

    public RunConfig withOptim(OptimConfig o) {
        return new RunConfig(experiment, data, model, o, adversarial, evaluation, augmentation, normalization, seed, regularisation);
    }

    public RunConfig withAdversarial(AdversarialTraining a) {
        return new RunConfig(experiment, data, model, optim, a, evaluation, augmentation, normalization, seed, regularisation);
    }

    public RunConfig withEvaluation(EvaluationConfig e) {
        return new RunConfig(experiment, data, model, optim, adversarial, e, augmentation, normalization, seed, regularisation);
    }

    public RunConfig withAugmentation(Augmentation a) {
        return new RunConfig(experiment, data, model, optim, adversarial, evaluation, a, normalization, seed, regularisation);
    }

    public RunConfig withNormalization(@Nullable Normalization n) {
        return new RunConfig(experiment, data, model, optim, adversarial, evaluation, augmentation, n, seed, regularisation);
    }

    public RunConfig withRegularisation(RegularisationConfig r) {
        return new RunConfig(experiment, data, model, optim, adversarial, evaluation, augmentation, normalization, seed, r);
    }

    public RunConfig withSeed(long s) {
        return new RunConfig(experiment, data, model, optim, adversarial, evaluation, augmentation, normalization, s, regularisation);
    }
}
