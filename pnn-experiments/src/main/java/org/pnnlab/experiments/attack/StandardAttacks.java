package org.pnnlab.experiments.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.run.EvaluationConfig;
import org.pnnlab.api.run.ThreatSpec;

/** The built-in attacks as registry entries; each is listed in the attack services file. */
public final class StandardAttacks {
    private StandardAttacks() {
    }

    static ThreatModel pgdThreat(ThreatSpec t) {
        return ThreatModel.pgd(t.eps(), t.step(), t.steps(), 0, 1);
    }

    /** Clean accuracy, through the same evaluator as the attacks. */
    public static final class CleanAttack implements AttackPlugin {
        @Override
        public String name() {
            return "clean";
        }

        @Override
        public String description() {
            return "no attack: accuracy on the clean test images";
        }

        @Override
        public Kind kind() {
            return Kind.CLEAN;
        }

        @Override
        public Attack create(ThreatSpec threat, EvaluationConfig settings, long valuesPerImage, @Nullable AttackTarget source) {
            return Attack.none();
        }

        @Override
        public Map<String, Object> threatRecord(ThreatSpec threat) {
            return Map.of();
        }
    }

    /** PGD-L∞ with a random start. */
    public static final class PgdAttack implements AttackPlugin {
        @Override
        public String name() {
            return "pgd";
        }

        @Override
        public String description() {
            return "PGD-Linf with a random start: steps of step within eps";
        }

        @Override
        public Kind kind() {
            return Kind.WHITE_BOX;
        }

        @Override
        public Attack create(ThreatSpec threat, EvaluationConfig settings, long valuesPerImage, @Nullable AttackTarget source) {
            return new Pgd(pgdThreat(threat));
        }
    }

    /** One signed-gradient step of eps. */
    public static final class FgsmAttack implements AttackPlugin {
        @Override
        public String name() {
            return "fgsm";
        }

        @Override
        public String description() {
            return "FGSM: one signed-gradient step of eps, no random start";
        }

        @Override
        public Kind kind() {
            return Kind.WHITE_BOX;
        }

        @Override
        public Attack create(ThreatSpec threat, EvaluationConfig settings, long valuesPerImage, @Nullable AttackTarget source) {
            return new Fgsm(ThreatModel.fgsm(threat.eps(), 0, 1));
        }

        @Override
        public Map<String, Object> threatRecord(ThreatSpec threat) {
            Map<String, Object> m = new LinkedHashMap<>(ThreatModel.fgsm(threat.eps(), 0, 1).toMap());
            m.put("units", "[0,1] pixels");
            return m;
        }
    }

    /**
     * SPSA with the reference's settings, which are stated in its [−1, 1] input units (δ 0.01, Adam lr 0.01): in
     * [0, 1] pixels they are halved. Chunks are sized so one super-batch (chunk × batch images) holds about 100 000
     * input values: SameDiff keeps every intermediate of a forward pass until it ends, and CNN-F end to end on
     * 1 000 images needed more than 24 GB. The chunk size changes memory use, not the estimate.
     */
    public static final class SpsaAttack implements AttackPlugin {
        @Override
        public String name() {
            return "spsa";
        }

        @Override
        public String description() {
            return "SPSA: gradient-free, estimates the gradient from queries (first --spsa-limit test images)";
        }

        @Override
        public Kind kind() {
            return Kind.WHITE_BOX;
        }

        @Override
        public Attack create(ThreatSpec threat, EvaluationConfig settings, long valuesPerImage, @Nullable AttackTarget source) {
            int chunk = (int) Math.max(1, Math.min(64, 100_000L / Math.max(1, valuesPerImage * settings.batchSize())));
            return new Spsa(pgdThreat(threat), Spsa.Settings.defaults().withDelta(0.005).withLearningRate(0.005)
                    .withSamples(settings.spsaSamples()).withChunk(chunk));
        }

        @Override
        public long limit(EvaluationConfig settings) {
            long all = settings.limit();
            long spsa = settings.spsaLimit();
            return spsa == 0 ? all : all == 0 ? spsa : Math.min(all, spsa);
        }
    }

    /** PGD computed on another run's model, classified by the attacked one. */
    public static final class TransferAttack implements AttackPlugin {
        @Override
        public String name() {
            return "transfer";
        }

        @Override
        public String description() {
            return "PGD on another run's model (--transfer-from), classified by this one";
        }

        @Override
        public Kind kind() {
            return Kind.TRANSFER;
        }

        @Override
        public Attack create(ThreatSpec threat, EvaluationConfig settings, long valuesPerImage, @Nullable AttackTarget source) {
            if (source == null) throw new IllegalStateException("transfer without a source");
            return new Transfer(source, pgdThreat(threat));
        }
    }
}
