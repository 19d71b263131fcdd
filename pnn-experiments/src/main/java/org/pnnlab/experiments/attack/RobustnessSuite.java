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
import org.pnnlab.api.capability.Capabilities;
import org.pnnlab.api.capability.InferenceModes;
import org.pnnlab.api.capability.TestTimeRandomness;
import org.pnnlab.api.data.Normalization;
import org.pnnlab.api.run.CorruptionAccuracies;
import org.pnnlab.api.run.EvaluationConfig;
import org.pnnlab.api.run.GradientMaskingChecks;
import org.pnnlab.api.run.RobustnessRecord;
import org.pnnlab.api.run.ThreatSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The robustness columns of a trained network (spec CNNF 7), for any attacks of the {@link AttackRegistry}: clean
 * accuracy; every white-box attack on the plain first pass ("first", the reference's standard attack) and, for a
 * network with iterative inference ({@link InferenceModes}), through the whole network to its last cycle ("e2e", the
 * reference's {@code run_cycles_adv}) and, when the network classifies with the average over its passes, through
 * the whole network to that average ("average": the adaptive attack on the function that classifies); transfer
 * attacks from another run's network; common corruptions. The attacked images are always classified by the network
 * as the run configured it (for CNN-F: its output mode). With {@link EvaluationConfig#eot()} above 1 every function
 * is attacked through {@link ExpectationOverTransformation}.
 *
 * <p>Every evaluation with a white-box attack also runs the {@link GradientMaskingChecker} on the function that
 * classifies and stores its result with the white-box entries. Entries go to the {@link Sink} as they finish.
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
     * One line about expectation over transformation for this network and settings, or null when there is nothing
     * to say: {@code --eot} on a deterministic network is unneeded (the evaluation runs anyway), and a network with
     * randomness at test time evaluated without it is attacked through one random draw only.
     */
    public static @Nullable String eotNote(ComputationGraph net, EvaluationConfig settings) {
        List<TestTimeRandomness> random = Capabilities.all(net, TestTimeRandomness.class);
        if (settings.eot() > 1 && random.isEmpty()) {
            return "--eot " + settings.eot() + " is unneeded: the model has no randomness at test time, so every "
                    + "draw gives the same gradient (running anyway)";
        }
        if (settings.eot() == 1 && !random.isEmpty()) {
            return "the model has randomness at test time (" + random.get(0).randomness() + "); attacks see one "
                    + "draw per gradient: give --eot N (e.g. 10) for expectation over transformation";
        }
        return null;
    }

    /** Receives entries as they are finished (to store them at once), and again when they are completed. */
    @FunctionalInterface
    public interface Sink {
        void finished(List<RobustnessRecord> entries);

        Sink NONE = entries -> {
        };
    }

    /**
     * Runs the requested attacks.
     *
     * @param pixels test images in [0, 1], {@code [N, C, H, W]}
     * @param labels class indices {@code [N]}
     * @param source the transfer source, required when a transfer attack is requested
     * @param sink gets every entry as soon as it is finished, so an interrupted evaluation keeps them
     */
    public static List<RobustnessRecord> run(AttackRegistry registry, Model model, INDArray pixels, INDArray labels,
                                             Request req, @Nullable Model source, RobustnessEvaluator.Listener listener,
                                             Sink sink) {
        List<AttackPlugin> plugins = req.attacks().stream().map(registry::get).toList();
        for (AttackPlugin p : plugins) {
            if (p.kind() == AttackPlugin.Kind.TRANSFER && source == null) {
                throw new PnnException("the " + p.name() + " attack needs a source run: give --transfer-from RUN_DIR "
                        + "(for CNN-F, the run of the same network without feedback, e.g. fmnist-cnn-adv)");
            }
        }
        long n = pixels.size(0);
        long perImage = pixels.length() / Math.max(1, n);
        int eot = req.settings().eot();
        InferenceModes modes = InferenceModeTarget.find(model.net());
        AttackTarget whole = new PixelSpaceTarget(new GraphTarget(model.net()), model.normalization());
        String classify = modes == null ? "model" : modes.mode().name().toLowerCase(Locale.ROOT);
        // the functions white-box attacks differentiate: the reference's first pass and last cycle, and the function
        // the network classifies with (for CNN-F's average over passes a column of its own)
        Map<String, AttackTarget> functions = new LinkedHashMap<>();
        String classifierFunction;
        if (modes == null) {
            functions.put("first", whole);
            classifierFunction = "first";
        } else {
            functions.put("first", firstPass(model));
            classifierFunction = "first";
            if (modes.cycles() > 0) {
                functions.put("e2e", inMode(model, modes, InferenceModes.Mode.LAST));
                if (modes.mode() == InferenceModes.Mode.LAST) classifierFunction = "e2e";
                if (modes.mode() == InferenceModes.Mode.AVERAGE) {
                    functions.put("average", inMode(model, modes, InferenceModes.Mode.AVERAGE));
                    classifierFunction = "average";
                }
            }
        }
        if (eot > 1) functions.replaceAll((k, t) -> new ExpectationOverTransformation(t, eot));
        RobustnessEvaluator base = new RobustnessEvaluator(req.settings().batchSize()).withSeed(req.seed())
                .withListener(listener);
        AttackTarget sourceTarget = source == null ? null : firstPass(source);
        List<RobustnessRecord> out = new ArrayList<>();
        List<RobustnessRecord> whiteBox = new ArrayList<>();
        for (AttackPlugin p : plugins) {
            long limit = p.limit(req.settings());
            RobustnessEvaluator ev = base.withLimit(limit > 0 ? Math.min(limit, n) : n);
            Attack attack = p.create(req.threat(), req.settings(), perImage, sourceTarget);
            Map<String, Object> threat = p.threatRecord(req.threat());
            List<RobustnessRecord> done = new ArrayList<>();
            switch (p.kind()) {
                case CLEAN -> emit(out, sink, record(p.name(), p.name(), "none", classify, null, threat,
                        ev.evaluate(whole, whole, attack, pixels, labels), n, 1));
                case TRANSFER -> emit(out, sink, record(p.name(), p.name(), "source", classify,
                        source == null ? null : source.runDir(), threat, ev.evaluate(whole, whole, attack, pixels, labels),
                        n, 1));
                case CORRUPTIONS -> corruptions(p, ev, whole, pixels, labels, classify, threat, req.seed(), n, out, sink);
                case WHITE_BOX -> {
                    for (Map.Entry<String, AttackTarget> f : functions.entrySet()) {
                        String fn = f.getKey();
                        // an ensemble's members are stored one by one as they finish (each on the points still robust)
                        RobustnessEvaluator.Result r = attack instanceof EnsembleAttack e
                                ? ev.evaluateEnsemble(f.getValue(), whole, e, pixels, labels, m -> emit(out, sink,
                                        record(m.attack() + "-" + fn, m.attack(), fn, classify, null, threat, m, n, eot)))
                                : ev.evaluate(f.getValue(), whole, attack, pixels, labels);
                        done.add(emit(out, sink, record(p.name() + "-" + fn, p.name(), fn, classify, null, threat, r, n,
                                eot)));
                    }
                    if (modes != null && modes.cycles() == 0) {
                        // no cycles: the whole network is its first pass, so the end-to-end attack is the same one
                        RobustnessRecord f = out.get(out.size() - 1);
                        done.add(emit(out, sink, new RobustnessRecord(p.name() + "-e2e", p.name(), "e2e", classify,
                                f.accuracy(), f.correct(), f.evaluated(), f.testTotal(), f.subset(), f.seed(), f.threat(),
                                f.settings(), null, 0, f.evaluatedAt(), f.confusion())));
                    }
                    whiteBox.addAll(done);
                }
            }
            LOG.info("{}: {}", out.get(out.size() - 1).name(), describe(out.get(out.size() - 1)));
        }
        if (!whiteBox.isEmpty()) {
            GradientMaskingChecks checks = GradientMaskingChecker.run(registry, classify, functions.get(classifierFunction), whole, pixels, labels, req.threat(), req.settings(), req.seed(),
                    sourceTarget);
            List<RobustnessRecord> marked = new ArrayList<>();
            for (RobustnessRecord r : whiteBox) {
                RobustnessRecord m = r.withMasking(checks);
                out.set(out.indexOf(r), m);
                marked.add(m);
            }
            sink.finished(marked);
            LOG.info("gradient-masking checks on {} test images: {}", checks.evaluated(), checks.passed() ? "passed"
                    : "failed: " + checks.failed().stream().map(c -> c.check().expectation() + " (" + c.detail() + ")")
                    .toList());
        }
        return out;
    }

    private static RobustnessRecord emit(List<RobustnessRecord> out, Sink sink, RobustnessRecord r) {
        out.add(r);
        sink.finished(List.of(r));
        return r;
    }

    private static AttackTarget inMode(Model m, InferenceModes modes, InferenceModes.Mode mode) {
        return new PixelSpaceTarget(InferenceModeTarget.of(m.net(), modes, mode), m.normalization());
    }

    /**
     * Every corruption and severity of a {@link AttackPlugin.Kind#CORRUPTIONS} plugin, classified as the run
     * classifies; one {@code corruptions} entry, stored again after each corruption (incomplete until the last).
     */
    private static void corruptions(AttackPlugin p, RobustnessEvaluator ev, AttackTarget whole, INDArray pixels,
                                    INDArray labels, String classify, Map<String, Object> threat, long seed, long n,
                                    List<RobustnessRecord> out, Sink sink) {
        List<AttackPlugin.Variant> variants = p.variants((int) pixels.size(1));
        if (variants.isEmpty()) throw new PnnException("attack '" + p.name() + "' has no corruption for these images");
        Map<String, List<Double>> bySeverity = new LinkedHashMap<>();
        long correct = 0, evaluated = 0, perVariant = 0;
        double seconds = 0;
        long started = System.nanoTime();
        for (int i = 0; i < variants.size(); i++) {
            AttackPlugin.Variant v = variants.get(i);
            RobustnessEvaluator.Result r = ev.evaluate(whole, whole, v.attack(), pixels, labels);
            bySeverity.computeIfAbsent(v.family(), k -> new ArrayList<>()).add(r.accuracy());
            correct += r.correct();
            evaluated += r.evaluated();
            perVariant = r.evaluated();
            boolean last = i == variants.size() - 1;
            if (last || !variants.get(i + 1).family().equals(v.family())) {
                List<CorruptionAccuracies.Corruption> list = new ArrayList<>();
                bySeverity.forEach((name, acc) -> list.add(new CorruptionAccuracies.Corruption(name, acc)));
                CorruptionAccuracies c = new CorruptionAccuracies(perVariant, seed, last, list);
                seconds = (System.nanoTime() - started) / 1e9;
                Map<String, Object> settings = new LinkedHashMap<>();
                settings.put("attack", p.name());
                settings.put("corruptions", bySeverity.size());
                settings.put("severities", bySeverity.get(v.family()).size());
                RobustnessRecord e = new RobustnessRecord(p.name(), p.name(), "none", classify, c.meanAccuracy(), correct,
                        evaluated, n * variants.size(), perVariant < n, seed, threat, settings, null, seconds,
                        Instant.now().toString(), null, null, c);
                out.removeIf(x -> x.name().equals(e.name()));
                out.add(e);
                sink.finished(List.of(e));
                LOG.info("{} {}: {}", p.name(), v.family(), String.format(Locale.ROOT, "%.2f%%",
                        100 * list.get(list.size() - 1).meanAccuracy()));
            }
        }
    }

    private static RobustnessRecord record(String name, String attack, String gradient, String classify,
                                           @Nullable String sourceRun, Map<String, Object> threat,
                                           RobustnessEvaluator.Result r, long testTotal, int eot) {
        Map<String, Object> settings = new LinkedHashMap<>(r.settings());
        if (eot > 1) settings.put("eot", eot);
        return new RobustnessRecord(name, attack, gradient, classify, r.accuracy(), r.correct(), r.evaluated(),
                testTotal, r.evaluated() < testTotal, r.seed(), threat, settings, sourceRun, r.seconds(),
                Instant.now().toString(), r.confusion());
    }

    /** For example {@code "41.20% (412/1000 test images, a subset)"}. */
    public static String describe(RobustnessRecord r) {
        return String.format(Locale.ROOT, "%.2f%% (%d/%d%s)", 100 * r.accuracy(), r.correct(), r.evaluated(),
                r.subset() ? " test images, first " + r.evaluated() + " of " + r.testTotal() + " only" : "");
    }
}
