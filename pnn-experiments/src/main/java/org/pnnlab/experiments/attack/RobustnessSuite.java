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
import org.pnnlab.api.capability.InferenceModes;
import org.pnnlab.api.data.Normalization;
import org.pnnlab.api.run.EvaluationConfig;
import org.pnnlab.api.run.RobustnessRecord;
import org.pnnlab.api.run.ThreatSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The robustness columns of a trained network (spec CNNF 7), for any attacks of the {@link AttackRegistry}: clean
 * accuracy; every white-box attack on the plain first pass ("first") and, for a network with iterative inference
 * ({@link InferenceModes}), through the whole network as it classifies with its last cycle ("e2e", the reference's
 * {@code run_cycles_adv}); transfer attacks from another run's network. The attacked images are always classified
 * by the network as the run configured it (for CNN-F: its output mode).
 *
 * <p>Attacks work on [0, 1] pixels and the threat model is stated there; each network sees its own normalisation
 * of those pixels, so a transfer source may have been trained with another one.
 */
public final class RobustnessSuite {
    private static final Logger LOG = LoggerFactory.getLogger(RobustnessSuite.class);

    /** A network to attack or to attack with, and the normalisation its inputs need. */
    public record Model(ComputationGraph net, Normalization normalization, String runDir) {
    }

    /**
     * What to run.
     *
     * @param attacks attack names of the registry, in the order to run them
     * @param threat the threat model in [0, 1] pixel units
     * @param settings limits, SPSA's samples and the batch size
     * @param seed seed of the random starts and random draws
     */
    public record Request(List<String> attacks, ThreatSpec threat, EvaluationConfig settings, long seed) {
        public Request {
            attacks = List.copyOf(attacks);
            if (attacks.isEmpty()) throw new PnnException("no attack given");
        }
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

    /** The target a source network is attacked through: its plain first pass. */
    private static AttackTarget firstPass(Model m) {
        InferenceModes modes = InferenceModeTarget.find(m.net());
        AttackTarget t = modes == null ? new GraphTarget(m.net())
                : InferenceModeTarget.of(m.net(), modes, InferenceModes.Mode.FIRST);
        return new PixelSpaceTarget(t, m.normalization());
    }

    /**
     * Runs the requested attacks.
     *
     * @param pixels test images in [0, 1], {@code [N, C, H, W]}
     * @param labels class indices {@code [N]}
     * @param source the transfer source, required when a transfer attack is requested
     */
    public static List<RobustnessRecord> run(AttackRegistry registry, Model model, INDArray pixels, INDArray labels,
                                             Request req, @Nullable Model source, RobustnessEvaluator.Listener listener) {
        return run(registry, model, pixels, labels, req, source, listener, r -> {
        });
    }

    /**
     * {@link #run(AttackRegistry, Model, INDArray, INDArray, Request, Model, RobustnessEvaluator.Listener)}, handing
     * every entry to {@code finished} as soon as it is complete (an ensemble's members one by one), so that a caller
     * can save it before the next, longer, attack starts.
     */
    public static List<RobustnessRecord> run(AttackRegistry registry, Model model, INDArray pixels, INDArray labels,
                                             Request req, @Nullable Model source, RobustnessEvaluator.Listener listener,
                                             java.util.function.Consumer<RobustnessRecord> finished) {
        List<AttackPlugin> plugins = req.attacks().stream().map(registry::get).toList();
        for (AttackPlugin p : plugins) {
            if (p.kind() == AttackPlugin.Kind.TRANSFER && source == null) {
                throw new PnnException("the " + p.name() + " attack needs a source run: give --transfer-from RUN_DIR "
                        + "(for CNN-F, the run of the same network without feedback, e.g. fmnist-cnn-adv)");
            }
        }
        long n = pixels.size(0);
        long perImage = pixels.length() / Math.max(1, n);
        InferenceModes modes = InferenceModeTarget.find(model.net());
        AttackTarget whole = new PixelSpaceTarget(new GraphTarget(model.net()), model.normalization());
        String classify = modes == null ? "model" : modes.mode().name().toLowerCase(Locale.ROOT);
        Map<String, AttackTarget> functions = new LinkedHashMap<>();
        if (modes == null) {
            functions.put("first", whole);
        } else {
            functions.put("first", firstPass(model));
            if (modes.cycles() > 0) {
                functions.put("e2e", new PixelSpaceTarget(InferenceModeTarget.of(model.net(), modes,
                        InferenceModes.Mode.LAST), model.normalization()));
            }
        }
        RobustnessEvaluator base = new RobustnessEvaluator(req.settings().batchSize()).withSeed(req.seed())
                .withListener(listener);
        AttackTarget sourceTarget = source == null ? null : firstPass(source);
        List<RobustnessRecord> out = new ArrayList<>();
        java.util.function.Consumer<RobustnessRecord> keep = r -> {
            out.add(r);
            finished.accept(r);
        };
        for (AttackPlugin p : plugins) {
            long limit = p.limit(req.settings());
            RobustnessEvaluator ev = base.withLimit(limit > 0 ? Math.min(limit, n) : n);
            Attack attack = p.create(req.threat(), req.settings(), perImage, sourceTarget);
            Map<String, Object> threat = p.threatRecord(req.threat());
            switch (p.kind()) {
                case CLEAN -> keep.accept(record(p.name(), p.name(), "none", classify, null, threat,
                        ev.evaluate(whole, whole, attack, pixels, labels), n));
                case TRANSFER -> keep.accept(record(p.name(), p.name(), "source", classify,
                        source == null ? null : source.runDir(), threat, ev.evaluate(whole, whole, attack, pixels, labels), n));
                case WHITE_BOX -> {
                    for (Map.Entry<String, AttackTarget> f : functions.entrySet()) {
                        String fn = f.getKey();
                        RobustnessEvaluator.Result r = attack instanceof EnsembleAttack e
                                ? ev.evaluateEnsemble(f.getValue(), whole, e, pixels, labels, m -> keep.accept(record(
                                        m.attack() + "-" + fn, m.attack(), fn, classify, null, threat, m, n)))
                                : ev.evaluate(f.getValue(), whole, attack, pixels, labels);
                        keep.accept(record(p.name() + "-" + fn, p.name(), fn, classify, null, threat, r, n));
                    }
                    if (modes != null && modes.cycles() == 0) {
                        // no cycles: the whole network is its first pass, so the end-to-end attack is the same one
                        RobustnessRecord f = out.get(out.size() - 1);
                        keep.accept(new RobustnessRecord(p.name() + "-e2e", p.name(), "e2e", classify, f.accuracy(),
                                f.correct(), f.evaluated(), f.testTotal(), f.subset(), f.seed(), f.threat(),
                                f.settings(), null, 0, f.evaluatedAt(), f.confusion()));
                    }
                }
            }
            LOG.info("{}: {}", out.get(out.size() - 1).name(), describe(out.get(out.size() - 1)));
        }
        return out;
    }

    private static RobustnessRecord record(String name, String attack, String gradient, String classify,
                                           @Nullable String sourceRun, Map<String, Object> threat,
                                           RobustnessEvaluator.Result r, long testTotal) {
        return new RobustnessRecord(name, attack, gradient, classify, r.accuracy(), r.correct(), r.evaluated(),
                testTotal, r.evaluated() < testTotal, r.seed(), threat, r.settings(), sourceRun, r.seconds(),
                Instant.now().toString(), r.confusion());
    }

    /** For example {@code "41.20% (412/1000 test images, a subset)"}. */
    public static String describe(RobustnessRecord r) {
        return String.format(Locale.ROOT, "%.2f%% (%d/%d%s)", 100 * r.accuracy(), r.correct(), r.evaluated(),
                r.subset() ? " test images, first " + r.evaluated() + " of " + r.testTotal() + " only" : "");
    }
}
