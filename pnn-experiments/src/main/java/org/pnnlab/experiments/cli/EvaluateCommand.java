package org.pnnlab.experiments.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.RobustnessRecord;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;
import org.pnnlab.datasets.DataDirs;
import org.pnnlab.datasets.Datasets;
import org.pnnlab.datasets.LabeledImages;
import org.pnnlab.datasets.Normalization;
import org.pnnlab.datasets.Split;
import org.pnnlab.experiments.Evaluation;
import org.pnnlab.experiments.Progress;
import org.pnnlab.experiments.attack.FeedbackModeTarget;
import org.pnnlab.experiments.attack.RobustnessSuite;
import org.pnnlab.layers.feedback.FeedbackNetworkLayer;

/**
 * {@code pnn evaluate RUN_DIR}: loads a saved run's network, attacks it on its dataset's test set and adds the
 * accuracies to the run's {@code run.json} (rewritten atomically). Nothing here depends on the kind of model.
 */
final class EvaluateCommand {
    private final PrintStream out;

    EvaluateCommand(PrintStream out) {
        this.out = out;
    }

    /** A saved run: its record, network and input normalisation (null: its dataset's, for older runs). */
    record SavedRun(Path dir, RunRecord record, ComputationGraph net, @Nullable Normalization normalization) {
        Normalization normalizationOr(Normalization dataset) {
            return normalization != null ? normalization : dataset;
        }
    }

    int run(Options.Evaluate e) {
        if (e.dir.size() != 1) throw new PnnException("evaluate takes one run folder, e.g. runs/fmnist-cnnf-adv/<run-id>");
        Path dir = Path.of(e.dir.get(0));
        SavedRun run = load(dir, "run");
        if (run.record().status().equals(RunRecord.RUNNING)) {
            throw new PnnException(dir + " is still training (status running); evaluate it when it has finished");
        }
        SavedRun source = e.transferFrom == null ? null : load(e.transferFrom, "--transfer-from run");
        List<String> attacks = new ArrayList<>();
        for (String a : e.attacks) {
            for (String part : a.split(",")) if (!part.isBlank()) attacks.add(part.trim().toLowerCase(Locale.ROOT));
        }
        if (attacks.isEmpty()) {
            attacks.addAll(List.of("clean", "pgd", "spsa"));
            if (source != null) attacks.add("transfer");
        }
        Map<String, Object> adv = adversarialSettings(run.record());
        double runEps = adv == null ? Double.NaN : ((Number) adv.get("epsPixels")).doubleValue();
        double ratio = adv == null ? 0.355 : ((Number) adv.get("stepPixels")).doubleValue() / runEps;
        double eps = e.eps != null ? e.eps : (adv != null ? runEps : 0.1);
        double step = e.step != null ? e.step : eps * ratio;
        int steps = e.steps != null ? e.steps : (adv != null ? ((Number) adv.get("steps")).intValue() : 7);
        RobustnessSuite.Request req = new RobustnessSuite.Request(attacks, eps, step, steps, e.limit, e.spsaLimit,
                e.spsaSamples, e.batchSize, e.seed); // validates eps, names, ...

        FeedbackNetworkLayer fb = FeedbackModeTarget.feedbackLayer(run.net());
        String suffix = "";
        if (e.output != null) {
            if (fb == null) throw new PnnException("--output applies to feedback networks (CNN-F) only; " + dir + " has none");
            FeedbackNetworkLayer.Output mode;
            try {
                mode = FeedbackNetworkLayer.Output.valueOf(e.output.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException x) {
                throw new PnnException("--output must be first, last or average, got '" + e.output + "'");
            }
            if (mode != fb.getOutput()) suffix = "@" + e.output.toLowerCase(Locale.ROOT);
            fb.setOutput(mode);
        }

        Split data = Datasets.load(run.record().dataset(), DataDirs.resolve(e.dataDir), !e.noDownload);
        LabeledImages test = data.test();
        if (source != null && !source.record().dataset().equals(run.record().dataset())) {
            throw new PnnException("the transfer source " + e.transferFrom + " was trained on " + source.record().dataset()
                    + ", the attacked run on " + run.record().dataset() + "; both need the same data");
        }
        INDArray pixels = RobustnessSuite.pixels(test);
        INDArray labels = Evaluation.labelVector(test.labels());
        out.printf(Locale.ROOT, "attacking %s (%s, %s) on %d %s test images; eps %.4g, step %.4g, %d steps ([0,1] pixels)%n",
                dir, run.record().experiment(), run.record().model(), req.limit() > 0 ? Math.min(req.limit(), test.count())
                        : test.count(), run.record().dataset(), eps, step, steps);
        List<RobustnessRecord> results = RobustnessSuite.run(
                new RobustnessSuite.Model(run.net(), run.normalizationOr(data.normalization()), dir.toString()), pixels, labels, req,
                source == null ? null : new RobustnessSuite.Model(source.net(),
                        source.normalizationOr(data.normalization()), source.dir().toString()),
                Progress.auto());
        if (!suffix.isEmpty()) {
            List<RobustnessRecord> renamed = new ArrayList<>();
            for (RobustnessRecord r : results) {
                renamed.add(new RobustnessRecord(r.name() + suffix, r.attack(), r.gradient(), r.classify(), r.accuracy(),
                        r.correct(), r.evaluated(), r.testTotal(), r.subset(), r.seed(), r.threat(), r.settings(),
                        r.sourceRun(), r.seconds(), r.evaluatedAt()));
            }
            results = renamed;
        }
        Path json = dir.resolve(RunStore.RUN_JSON);
        RunStore.write(json, RunStore.read(json).withRobustness(results));
        for (RobustnessRecord r : results) {
            out.printf(Locale.ROOT, "  %-14s %s%n", r.name(), RobustnessSuite.describe(r));
        }
        out.println("written to " + json);
        return 0;
    }

    /** Loads a run folder: its record, its network and the normalisation it was trained with. */
    static SavedRun load(Path dir, String what) {
        if (!Files.isDirectory(dir)) {
            throw new PnnException(what + " " + dir + " does not exist; give a run folder such as runs/<experiment>/<run-id>");
        }
        Path json = dir.resolve(RunStore.RUN_JSON);
        if (!Files.isRegularFile(json)) {
            throw new PnnException(what + " " + dir + " is not a run folder (it has no " + RunStore.RUN_JSON + ")");
        }
        RunRecord rec = RunStore.read(json);
        Path zip = dir.resolve(RunStore.MODEL_ZIP);
        if (!Files.isRegularFile(zip)) {
            throw new PnnException(what + " " + dir + " has no saved model (" + RunStore.MODEL_ZIP
                    + "); the run stopped before its first epoch ended");
        }
        ComputationGraph net = org.pnnlab.models.SavedModels.load(zip); // plugin layers come through the plugin loader
        return new SavedRun(dir, rec, net, normalization(rec, json));
    }

    /** The normalisation stored in the run's configuration, or null for older runs (which used the dataset's). */
    static @Nullable Normalization normalization(RunRecord rec, Path json) {
        Object n = rec.configuration().get("normalization");
        if (n instanceof Map<?, ?> m && m.get("mean") instanceof List<?> mean && m.get("std") instanceof List<?> std) {
            try {
                return new Normalization(mean.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray(),
                        std.stream().mapToDouble(v -> ((Number) v).doubleValue()).toArray());
            } catch (RuntimeException x) {
                throw new PnnException(json + ": configuration.normalization is not valid (" + x.getMessage() + ")", x);
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static @Nullable Map<String, Object> adversarialSettings(RunRecord rec) {
        Object a = rec.configuration().get("adversarial");
        return a instanceof Map<?, ?> m && m.get("epsPixels") instanceof Number && m.get("stepPixels") instanceof Number
                && m.get("steps") instanceof Number ? (Map<String, Object>) m : null;
    }
}
