package org.pnnlab.experiments.attack;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.RobustnessRecord;
import org.pnnlab.datasets.Normalization;
import org.pnnlab.experiments.Progress;
import org.pnnlab.layers.feedback.FeedbackNetworkLayer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The robustness columns of a trained network (spec CNNF 7): clean accuracy, PGD, FGSM and SPSA computed on the
 * plain first pass ("first") and, for a feedback network, through the whole network as it classifies with its
 * last cycle ("e2e", the reference's {@code run_cycles_adv}), and PGD transferred from another run's network. The
 * attacked images are always classified by the network as the run configured it (for CNN-F: its output mode).
 *
 * <p>Attacks work on [0, 1] pixels and the threat model is stated there; each network sees its own normalisation
 * of those pixels, so a transfer source may have been trained with another one. Nothing here depends on the kind
 * of model: only the optional feedback layer adds the first/e2e distinction.
 */
public final class RobustnessSuite {
    private static final Logger LOG = LoggerFactory.getLogger(RobustnessSuite.class);

    /** The attack names a request may list. */
    public static final List<String> ATTACKS = List.of("clean", "pgd", "fgsm", "spsa", "transfer");

    /**
     * What to evaluate.
     *
     * @param attacks names from {@link #ATTACKS}, in the order to run them
     * @param eps radius in [0, 1] pixel units, in (0, 1]
     * @param step PGD step in pixel units, > 0
     * @param steps PGD / SPSA iterations, ≥ 1
     * @param limit attack only the first this many test samples (0: all)
     * @param spsaLimit SPSA attacks only the first this many (0: as many as {@code limit})
     * @param spsaSamples SPSA's Rademacher samples per gradient estimate (reference 128)
     * @param batchSize samples per attacked batch
     * @param seed seed of the random starts and SPSA's draws
     */
    public record Request(List<String> attacks, double eps, double step, int steps, long limit, long spsaLimit,
                          int spsaSamples, int batchSize, long seed) {
        public Request {
            attacks = List.copyOf(attacks);
            if (attacks.isEmpty()) throw new PnnException("no attack given; known attacks: " + String.join(", ", ATTACKS));
            for (String a : attacks) {
                if (!ATTACKS.contains(a)) {
                    throw new PnnException("unknown attack '" + a + "'; known attacks: " + String.join(", ", ATTACKS));
                }
            }
            if (!(eps > 0) || Double.isInfinite(eps)) {
                throw new PnnException("--eps must be a positive number of [0, 1] pixel units (e.g. 0.1), got " + eps);
            }
            if (eps > 1) {
                throw new PnnException("--eps " + eps + " is larger than the pixel range [0, 1]; state it in [0, 1] "
                        + "pixel units (8/255 = 0.0314, 0.1 for Fashion-MNIST)");
            }
            if (!(step > 0) || Double.isInfinite(step)) throw new PnnException("--step must be > 0, got " + step);
            if (step > 1) throw new PnnException("--step " + step + " is larger than the pixel range [0, 1]");
            if (steps < 1) throw new PnnException("--steps must be >= 1, got " + steps);
            if (limit < 0 || spsaLimit < 0) throw new PnnException("--limit and --spsa-limit must be >= 0");
            if (spsaSamples < 1) throw new PnnException("--spsa-samples must be >= 1, got " + spsaSamples);
            if (batchSize < 1) throw new PnnException("--batch-size must be >= 1, got " + batchSize);
        }

        /** The threat model in pixel units. */
        public Map<String, Object> threat() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("units", "[0,1] pixels");
            m.put("eps", eps);
            m.put("step", step);
            m.put("steps", steps);
            m.put("clipMin", 0.0);
            m.put("clipMax", 1.0);
            m.put("randomStart", true);
            return m;
        }
    }

    /** A network to attack or to attack with, and the normalisation its inputs need. */
    public record Model(ComputationGraph net, Normalization normalization, String runDir) {
    }

    private RobustnessSuite() {
    }

    /** A test set as [0, 1] pixels {@code [N, C, H, W]}, the units every attack here works in. */
    public static INDArray pixels(org.pnnlab.datasets.LabeledImages images) {
        double[] zeros = new double[images.channels()];
        double[] ones = new double[images.channels()];
        java.util.Arrays.fill(ones, 1);
        return images.features(new Normalization(zeros, ones))
                .reshape(images.count(), images.channels(), images.height(), images.width());
    }

    /**
     * Runs the requested attacks.
     *
     * @param pixels test images in [0, 1], {@code [N, C, H, W]}
     * @param labels class indices {@code [N]}
     * @param source the transfer attacker, required when {@code transfer} is requested
     */
    public static List<RobustnessRecord> run(Model model, INDArray pixels, INDArray labels, Request req,
                                             @Nullable Model source, Progress progress) {
        if (req.attacks().contains("transfer") && source == null) {
            throw new PnnException("the transfer attack needs a source run: give --transfer-from RUN_DIR (for CNN-F, "
                    + "the run of the same network without feedback, e.g. fmnist-cnn-adv)");
        }
        long n = pixels.size(0);
        long todo = req.limit() > 0 ? Math.min(n, req.limit()) : n;
        long spsaTodo = req.spsaLimit() > 0 ? Math.min(todo, req.spsaLimit()) : todo;
        FeedbackNetworkLayer fb = FeedbackModeTarget.feedbackLayer(model.net());
        AttackTarget whole = new PixelSpaceTarget(new GraphTarget(model.net()), model.normalization());
        String classify = fb == null ? "model" : fb.getOutput().name().toLowerCase(Locale.ROOT);
        Map<String, AttackTarget> gradients = new LinkedHashMap<>();
        if (fb == null) {
            gradients.put("first", whole);
        } else if (fb.cycles() == 0) {
            gradients.put("first", new PixelSpaceTarget(FeedbackModeTarget.of(model.net(), fb,
                    FeedbackNetworkLayer.Output.FIRST), model.normalization()));
        } else {
            GraphTarget g = new GraphTarget(model.net());
            gradients.put("first", new PixelSpaceTarget(FeedbackModeTarget.of(model.net(), fb, FeedbackNetworkLayer.Output.FIRST),
                    model.normalization()));
            gradients.put("e2e", new PixelSpaceTarget(FeedbackModeTarget.of(model.net(), fb, FeedbackNetworkLayer.Output.LAST),
                    model.normalization()));
        }
        ThreatModel threat = ThreatModel.pgd(req.eps(), req.step(), req.steps(), 0, 1);
        RobustnessEvaluator base = new RobustnessEvaluator(req.batchSize()).withSeed(req.seed())
                .withListener(RobustnessEvaluator.progress(progress));
        List<RobustnessRecord> out = new ArrayList<>();
        for (String name : req.attacks()) {
            switch (name) {
                case "clean" -> out.add(record("clean", "clean", "none", classify, null,
                        base.withLimit(todo).evaluate(whole, whole, Attack.none(), pixels, labels), n, req));
                case "pgd", "fgsm", "spsa" -> {
                    Attack attack = switch (name) {
                        case "pgd" -> new Pgd(threat);
                        case "fgsm" -> new Fgsm(ThreatModel.fgsm(req.eps(), 0, 1));
                        default -> new Spsa(threat, spsaPixelSettings(req, pixels.size(1) * pixels.size(2) * pixels.size(3)));
                    };
                    long lim = name.equals("spsa") ? spsaTodo : todo;
                    for (Map.Entry<String, AttackTarget> g : gradients.entrySet()) {
                        String col = name + "-" + g.getKey();
                        out.add(record(col, name, g.getKey(), classify, null,
                                base.withLimit(lim).evaluate(g.getValue(), whole, attack, pixels, labels), n, req));
                    }
                    if (fb != null && fb.cycles() == 0) {
                        // no cycles: the whole network is its first pass, so the end-to-end attack is the same one
                        RobustnessRecord f = out.get(out.size() - 1);
                        out.add(new RobustnessRecord(name + "-e2e", name, "e2e", classify, f.accuracy(), f.correct(),
                                f.evaluated(), f.testTotal(), f.subset(), f.seed(), f.threat(), f.settings(), null,
                                0, f.evaluatedAt()));
                    }
                }
                case "transfer" -> {
                    FeedbackNetworkLayer sfb = FeedbackModeTarget.feedbackLayer(source.net());
                    GraphTarget sg = new GraphTarget(source.net());
                    AttackTarget s = new PixelSpaceTarget(sfb == null ? sg
                            : FeedbackModeTarget.of(source.net(), sfb, FeedbackNetworkLayer.Output.FIRST), source.normalization());
                    out.add(record("transfer", "transfer", "source", classify, source.runDir(),
                            base.withLimit(todo).evaluate(whole, whole, new Transfer(s, threat), pixels, labels), n, req));
                }
                default -> throw new IllegalStateException(name);
            }
            RobustnessRecord last = out.get(out.size() - 1);
            LOG.info("{}: {}", last.name(), describe(last));
        }
        return out;
    }

    /**
     * SPSA with the reference's settings, which are stated in its [−1, 1] input units (δ 0.01, Adam lr 0.01):
     * in [0, 1] pixels they are halved. Chunks are sized so one super-batch (chunk × batch images) holds about 100 000 input values (128
     * Fashion-MNIST images): SameDiff keeps every intermediate of a forward pass until it ends, and CNN-F end to
     * end on 1 000 images needed more than 24 GB. The chunk size changes memory use, not the estimate.
     */
    static Spsa.Settings spsaPixelSettings(Request req, long perImage) {
        int chunk = (int) Math.max(1, Math.min(64, 100_000L / Math.max(1, perImage * req.batchSize())));
        return Spsa.Settings.defaults().withDelta(0.005).withLearningRate(0.005).withSamples(req.spsaSamples())
                .withChunk(chunk);
    }

    private static RobustnessRecord record(String name, String attack, String gradient, String classify,
                                           @Nullable String sourceRun, RobustnessEvaluator.Result r, long testTotal,
                                           Request req) {
        return new RobustnessRecord(name, attack, gradient, classify, r.accuracy(), r.correct(), r.evaluated(),
                testTotal, r.evaluated() < testTotal, r.seed(), switch (attack) {
                    case "clean" -> Map.of();
                    case "fgsm" -> { // one step of eps, no random start
                        Map<String, Object> m = new java.util.LinkedHashMap<>(ThreatModel.fgsm(req.eps(), 0, 1).toMap());
                        m.put("units", "[0,1] pixels");
                        yield m;
                    }
                    default -> req.threat();
                },
                r.settings(), sourceRun, r.seconds(), Instant.now().toString());
    }

    /** For example {@code "41.20% (412/1000 test images, a subset)"}. */
    public static String describe(RobustnessRecord r) {
        return String.format(Locale.ROOT, "%.2f%% (%d/%d%s)", 100 * r.accuracy(), r.correct(), r.evaluated(),
                r.subset() ? " test images, first " + r.evaluated() + " of " + r.testTotal() + " only" : "");
    }
}
