package org.pnnlab.api.run;

import static org.pnnlab.api.run.Checks.require;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The robustness evaluation after training, also the defaults of {@code pnn evaluate} on the run.
 *
 * @param attacks attack names from the attack registry ({@code clean}, {@code pgd}, {@code fgsm}, {@code spsa}, ...),
 *     run in this order on the final model; empty: none
 * @param threat the threat model; null: the adversarial training's ({@link AdversarialTraining#evaluationThreat})
 * @param limit attack only the first this many test images (0: the whole test set)
 * @param spsaLimit SPSA attacks only the first this many test images (0: as {@code limit}); it costs 1 792 forward
 *     passes an image
 * @param spsaSamples SPSA's samples per gradient estimate
 * @param batchSize test images attacked together
 * @param squareQueries the Square attack's query budget per image (alone and in AutoAttack; 5 000 as published)
 * @param eot expectation over transformation: every gradient (and every score an attack queries) is the mean over
 *     this many calls of the model, for models with randomness at test time; 1 (the default) is a single call
 */
public record EvaluationConfig(List<String> attacks, @Nullable ThreatSpec threat, long limit, long spsaLimit,
                               int spsaSamples, int batchSize, int squareQueries, int eot) {
    /** One call per gradient: no expectation over transformation. */
    public static final int DEFAULT_EOT = 1;

    /**
     * No attacks; SPSA on the first 1 000 test images with 128 samples, batches of 100; Square with 5 000 queries;
     * no EOT.
     */
    public static final EvaluationConfig NONE = new EvaluationConfig(List.of(), null, 0, 1000, 128, 100, 5000,
            DEFAULT_EOT);

    public EvaluationConfig {
        attacks = List.copyOf(attacks == null ? List.of() : attacks);
        require(limit >= 0, "evaluation.limit (--limit)", ">= 0 (0: the whole test set)", limit);
        require(spsaLimit >= 0, "evaluation.spsaLimit (--spsa-limit)", ">= 0", spsaLimit);
        require(spsaSamples >= 1, "evaluation.spsaSamples (--spsa-samples)", ">= 1", spsaSamples);
        require(batchSize >= 1, "evaluation.batchSize", ">= 1", batchSize);
        require(squareQueries >= 1, "evaluation.squareQueries (--queries)", ">= 1 queries per image (published: 5000)",
                squareQueries);
        require(eot >= 1, "evaluation.eot (--eot)", ">= 1 model calls per gradient (1: no expectation over "
                + "transformation; use more only for a model with randomness at test time)", eot);
    }

    public static EvaluationConfig of(List<String> attacks) {
        return NONE.withAttacks(attacks);
    }

    /** The threat model to use: this configuration's, else the adversarial training's. */
    public ThreatSpec threatFor(AdversarialTraining training) {
        return threat != null ? threat : training.evaluationThreat();
    }

    public EvaluationConfig withAttacks(List<String> a) {
        return new EvaluationConfig(a, threat, limit, spsaLimit, spsaSamples, batchSize, squareQueries, eot);
    }

    public EvaluationConfig withThreat(@Nullable ThreatSpec t) {
        return new EvaluationConfig(attacks, t, limit, spsaLimit, spsaSamples, batchSize, squareQueries, eot);
    }

    public EvaluationConfig withLimit(long n) {
        return new EvaluationConfig(attacks, threat, n, spsaLimit, spsaSamples, batchSize, squareQueries, eot);
    }

    public EvaluationConfig withSpsa(long lim, int samples) {
        return new EvaluationConfig(attacks, threat, limit, lim, samples, batchSize, squareQueries, eot);
    }

    public EvaluationConfig withBatchSize(int b) {
        return new EvaluationConfig(attacks, threat, limit, spsaLimit, spsaSamples, b, squareQueries, eot);
    }

    public EvaluationConfig withSquareQueries(int q) {
        return new EvaluationConfig(attacks, threat, limit, spsaLimit, spsaSamples, batchSize, q, eot);
    }

    public EvaluationConfig withEot(int n) {
        return new EvaluationConfig(attacks, threat, limit, spsaLimit, spsaSamples, batchSize, squareQueries, n);
    }
}
