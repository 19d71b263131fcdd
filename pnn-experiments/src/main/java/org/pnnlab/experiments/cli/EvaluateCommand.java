package org.pnnlab.experiments.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.capability.InferenceModes;
import org.pnnlab.api.data.Normalization;
import org.pnnlab.api.run.EvaluationConfig;
import org.pnnlab.api.run.RobustnessRecord;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;
import org.pnnlab.api.run.ThreatNorm;
import org.pnnlab.api.run.ThreatSpec;
import org.pnnlab.datasets.DataDirs;
import org.pnnlab.datasets.Datasets;
import org.pnnlab.datasets.LabeledImages;
import org.pnnlab.datasets.Split;
import org.pnnlab.experiments.Evaluation;
import org.pnnlab.experiments.Progress;
import org.pnnlab.experiments.attack.AttackRegistry;
import org.pnnlab.experiments.attack.InferenceModeTarget;
import org.pnnlab.experiments.attack.RobustnessSuite;

/**
 * {@code pnn evaluate RUN_DIR}: loads a saved run's network, attacks it on its dataset's test set and adds the
 * accuracies to the run's {@code run.json} (rewritten atomically). The defaults are the run's own typed evaluation
 * settings and threat model; nothing here depends on the kind of model.
 */
final class EvaluateCommand {
    private final PrintStream out;

    EvaluateCommand(PrintStream out) {
        this.out = out;
    }

    /** A saved run: its record and network. */
    record SavedRun(Path dir, RunRecord record, ComputationGraph net) {
        Normalization normalizationOr(Normalization dataset) {
            Normalization n = record.config().normalization();
            return n != null ? n : dataset;
        }
    }

    int run(Options.Evaluate e) {
        if (e.dir.size() != 1) throw new PnnException("evaluate takes one run folder, e.g. runs/fmnist-cnnf-adv/<run-id>");
        Path dir = Path.of(e.dir.get(0));
        SavedRun run = load(dir, "run");
        String status = run.record().effectiveStatus();
        if (status.equals(RunRecord.RUNNING)) {
            throw new PnnException(dir + " is still training (status running); evaluate it when it has finished");
        }
        SavedRun source = e.transferFrom == null ? null : load(e.transferFrom, "--transfer-from run");
        AttackRegistry registry = AttackRegistry.load();
        RunConfig config = run.record().config();
        List<String> attacks = new ArrayList<>();
        for (String a : e.attacks) {
            for (String part : a.split(",")) if (!part.isBlank()) attacks.add(part.trim().toLowerCase(Locale.ROOT));
        }
        if (attacks.isEmpty()) {
            attacks.addAll(config.evaluation().attacks().isEmpty() ? List.of("clean", "pgd", "spsa")
                    : config.evaluation().attacks());
            if (source != null && !attacks.contains("transfer")) attacks.add("transfer");
        }
        for (String a : attacks) registry.get(a); // unknown names: one line listing the known ones
        ThreatSpec threat = threat(config.evaluationThreat(), e);
        EvaluationConfig settings = config.evaluation().withLimit(e.limit);
        if (e.spsaLimit != null || e.spsaSamples != null) {
            settings = settings.withSpsa(e.spsaLimit != null ? e.spsaLimit : settings.spsaLimit(),
                    e.spsaSamples != null ? e.spsaSamples : settings.spsaSamples());
        }
        if (e.batchSize != null) settings = settings.withBatchSize(e.batchSize);
        if (e.queries != null) settings = settings.withSquareQueries(e.queries);
        if (e.eot != null) settings = settings.withEot(e.eot);

        InferenceModes modes = InferenceModeTarget.find(run.net());
        String suffix = "";
        if (e.output != null) {
            if (modes == null) {
                throw new PnnException("--output applies to models with iterative inference (CNN-F) only; " + dir + " has none");
            }
            InferenceModes.Mode mode;
            try {
                mode = InferenceModes.Mode.valueOf(e.output.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException x) {
                throw new PnnException("--output must be first, last or average, got '" + e.output + "'");
            }
            if (mode != modes.mode()) suffix = "@" + e.output.toLowerCase(Locale.ROOT);
            modes.setMode(mode);
        }

        String dataset = config.data().dataset();
        Split data = Datasets.load(dataset, DataDirs.resolve(e.dataDir), !e.noDownload);
        LabeledImages test = data.test();
        if (source != null && !source.record().dataset().equals(dataset)) {
            throw new PnnException("the transfer source " + e.transferFrom + " was trained on " + source.record().dataset()
                    + ", the attacked run on " + dataset + "; both need the same data");
        }
        INDArray pixels = RobustnessSuite.pixels(test);
        INDArray labels = Evaluation.labelVector(test.labels());
        out.printf(Locale.ROOT, "attacking %s (%s, %s) on %d %s test images; %s eps %.4g, step %.4g, %d steps ([0,1] pixels)%n",
                dir, config.experiment(), config.model().name(), settings.limit() > 0
                        ? Math.min(settings.limit(), test.count()) : test.count(), dataset, threat.norm(), threat.eps(),
                threat.step(), threat.steps());
        String eotNote = RobustnessSuite.eotNote(run.net(), settings);
        if (eotNote != null) out.println(eotNote);
        Path json = dir.resolve(RunStore.RUN_JSON);
        String renameTo = suffix;
        List<RobustnessRecord> results = RobustnessSuite.run(registry,
                new RobustnessSuite.Model(run.net(), run.normalizationOr(data.normalization()), dir.toString()), pixels,
                labels, new RobustnessSuite.Request(attacks, threat, settings, e.seed),
                source == null ? null : new RobustnessSuite.Model(source.net(),
                        source.normalizationOr(data.normalization()), source.dir().toString()),
                Progress.auto().attackListener(),
                // each entry is saved as soon as it is complete: an interrupted evaluation keeps what it finished
                entries -> RunStore.addRobustness(json, renamed(entries, renameTo)));
        for (RobustnessRecord r : renamed(results, suffix)) {
            out.printf(Locale.ROOT, "  %-14s %s%n", r.name(), RobustnessSuite.describe(r));
        }
        out.println("written to " + json);
        return 0;
    }

    /** The entries under their names for a non-default output mode ({@code pgd-first@last}, ...). */
    private static List<RobustnessRecord> renamed(List<RobustnessRecord> entries, String suffix) {
        if (suffix.isEmpty()) return entries;
        List<RobustnessRecord> out = new ArrayList<>();
        for (RobustnessRecord r : entries) out.add(r.renamed(r.name() + suffix));
        return out;
    }

    /** The run's threat model with the flags applied; a new radius keeps the run's step-to-radius ratio. */
    static ThreatSpec threat(ThreatSpec run, Options.Evaluate e) {
        ThreatSpec t = run;
        if (e.eps != null) t = new ThreatSpec(e.eps, e.eps * (run.step() / run.eps()), run.steps());
        if (e.step != null) t = t.withStep(e.step);
        if (e.steps != null) t = t.withSteps(e.steps);
        if (e.norm != null) t = t.withNorm(ThreatNorm.parse(e.norm));
        return t;
    }

    /** Loads a run folder: its record and its network. */
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
        return new SavedRun(dir, rec, org.pnnlab.models.SavedModels.load(zip)); // plugin layers through the plugin loader
    }
}
