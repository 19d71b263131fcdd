package org.pnnlab.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pnnlab.experiments.cli.CliTest.assertUserError;
import static org.pnnlab.experiments.cli.CliTest.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.run.RobustnessRecord;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;
import org.pnnlab.experiments.attack.AttackRegistry;
import org.pnnlab.experiments.attack.RobustnessEvaluator;
import org.pnnlab.experiments.attack.RobustnessSuite;

/**
 * {@code pnn evaluate} on runs of the other experiments, with no code specific to their models, adversarial
 * training from the command line, and the errors for bad requests.
 */
class EvaluateCliTest {
    @TempDir
    static Path runs;
    static Path convRun;

    @BeforeAll
    static void trainOne() throws IOException {
        CliTest.Result r = cli("run", "mnist-lenet-conv", "--dataset", "mnist-subset", "--train-limit", "256", "--epochs", "1",
                "--model-opt", "nfilters=8", "--no-download", "--runs-dir", runs.toString());
        assertEquals(0, r.code(), r.err());
        convRun = onlyRun("mnist-lenet-conv");
    }

    static Path onlyRun(String experiment) {
        try (var s = Files.list(runs.resolve(experiment))) {
            return s.findFirst().orElseThrow();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static RunRecord record(Path dir) {
        return RunStore.read(dir.resolve(RunStore.RUN_JSON));
    }

    @Test
    void attacksAConvolutionRunAndStoresTheResults() {
        CliTest.Result r = cli("evaluate", convRun.toString(), "--attack", "clean,pgd,fgsm", "--attack", "spsa",
                "--limit", "40", "--spsa-limit", "8", "--spsa-samples", "4", "--eps", "0.1");
        assertEquals(0, r.code(), r.err());
        RunRecord rec = record(convRun);
        assertEquals(List.of("clean", "pgd-first", "fgsm-first", "spsa-first"),
                rec.robustness().stream().map(RobustnessRecord::name).filter(n -> !n.equals("transfer")).toList());
        RobustnessRecord clean = rec.robustness("clean");
        RobustnessRecord pgd = rec.robustness("pgd-first");
        assertNotNull(clean);
        assertNotNull(pgd);
        assertEquals(40, clean.evaluated());
        assertTrue(clean.subset(), "40 of the 1000 test images");
        assertEquals("model", pgd.classify());
        assertEquals(0.1, ((Number) pgd.threat().get("eps")).doubleValue());
        assertEquals(0.0355, ((Number) pgd.threat().get("step")).doubleValue(), 1e-12);
        assertTrue(pgd.accuracy() <= clean.accuracy(), "PGD does not help the model: " + pgd + " vs " + clean);
        assertEquals(8, rec.robustness("spsa-first").evaluated());
        assertTrue(r.out().contains("pgd-first"), r.out());
        // a second evaluation replaces the entries of the same name and keeps the others
        assertEquals(0, cli("evaluate", convRun.toString(), "--attack", "clean", "--limit", "20").code());
        RunRecord again = record(convRun);
        assertEquals(20, again.robustness("clean").evaluated());
        assertEquals(rec.robustness().size(), again.robustness().size());
        assertEquals(RunRecord.COMPLETED, again.status());
        assertEquals(rec.epochs(), again.epochs());
    }

    @Test
    void autoattackRecordsEveryMemberAndTheEnsemble(@TempDir Path tmp) throws IOException {
        Path run = tmp.resolve("copy"); // a copy, so that the other tests' entries stay as they expect
        Files.createDirectories(run);
        try (var files = Files.list(convRun)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) Files.copy(f, run.resolve(f.getFileName()));
        }
        CliTest.Result r = cli("evaluate", run.toString(), "--attack", "clean,autoattack", "--limit", "12",
                "--queries", "50", "--eps", "0.1");
        assertEquals(0, r.code(), r.err());
        RunRecord rec = record(run);
        List<String> names = rec.robustness().stream().map(RobustnessRecord::name).toList();
        for (String n : List.of("autoattack-apgd-ce-first", "autoattack-apgd-t-first", "autoattack-square-first",
                "autoattack-first")) {
            assertTrue(names.contains(n), n + " in " + names);
        }
        RobustnessRecord all = rec.robustness("autoattack-first");
        RobustnessRecord ce = rec.robustness("autoattack-apgd-ce-first");
        assertNotNull(all);
        assertNotNull(ce);
        assertEquals("Linf", all.threat().get("norm"));
        assertTrue(all.correct() <= ce.correct() && ce.correct() <= rec.robustness("clean").correct());
        assertEquals(12, all.evaluated());
    }

    @Test
    void badAutoattackSettingsAreOneLine() {
        assertUserError(cli("evaluate", convRun.toString(), "--attack", "square", "--queries", "0"), "--queries", ">= 1");
        assertUserError(cli("evaluate", convRun.toString(), "--attack", "apgd-ce", "--norm", "L1"), "Linf", "L2");
        assertUserError(cli("evaluate", convRun.toString(), "--attack", "autoattack", "--eps", "1.5"), "eps", "(0, 1]");
        assertUserError(cli("evaluate", convRun.toString(), "--attack", "square", "--norm", "L2", "--limit", "4"),
                "Linf only");
    }

    @Test
    void transferNeedsASourceAndUsesIt() {
        assertUserError(cli("evaluate", convRun.toString(), "--attack", "transfer", "--limit", "10"), "--transfer-from");
        CliTest.Result r = cli("evaluate", convRun.toString(), "--attack", "transfer", "--transfer-from", convRun.toString(),
                "--limit", "20");
        assertEquals(0, r.code(), r.err());
        RobustnessRecord t = record(convRun).robustness("transfer");
        assertNotNull(t);
        assertEquals(convRun.toString(), t.sourceRun());
    }

    @Test
    void badRequestsGiveOneClearMessage(@TempDir Path tmp) throws IOException {
        assertUserError(cli("evaluate", tmp.resolve("nope").toString()), "does not exist", "runs/<experiment>/<run-id>");
        assertUserError(cli("evaluate", tmp.toString()), "not a run folder", "run.json");
        assertUserError(cli("evaluate", convRun.toString(), "--eps", "-0.1"), "eps must be in (0, 1]", "pixel units");
        assertUserError(cli("evaluate", convRun.toString(), "--eps", "2"), "eps must be in (0, 1]", "got 2");
        assertUserError(cli("evaluate", convRun.toString(), "--attack", "deepfool"), "unknown attack 'deepfool'", "pgd", "spsa");
        assertUserError(cli("evaluate", convRun.toString(), "--output", "last"), "iterative inference");
        Path broken = tmp.resolve("broken");
        Files.createDirectories(broken);
        Files.copy(convRun.resolve(RunStore.RUN_JSON), broken.resolve(RunStore.RUN_JSON));
        assertUserError(cli("evaluate", broken.toString()), "no saved model");
        Files.writeString(broken.resolve(RunStore.MODEL_ZIP), "not a zip");
        assertUserError(cli("evaluate", broken.toString()), "model.zip", "damaged");
    }

    @Test
    void adversarialTrainingFromTheCommandLineOnAPerturbationModel() {
        CliTest.Result r = cli("run", "mnist-lenet-perturb", "--dataset", "mnist-subset", "--train-limit", "128",
                "--epochs", "1", "--model-opt", "nfilters=8", "--adv-eps", "0.1", "--adv-steps", "2", "--evaluate",
                "clean,pgd", "--grad-clip", "5", "--optimizer", "momentum", "--schedule", "poly", "--no-download",
                "--runs-dir", runs.toString());
        assertEquals(0, r.code(), r.err());
        Path dir = onlyRun("mnist-lenet-perturb");
        RunRecord rec = record(dir);
        var adv = (org.pnnlab.api.run.AdversarialTraining.Pgd) rec.config().adversarial();
        assertEquals(0.1, adv.threat().eps());
        assertEquals(2, adv.threat().steps());
        assertEquals(org.pnnlab.api.run.Optimizer.MOMENTUM, rec.config().optim().optimizer());
        assertEquals(org.pnnlab.api.run.Schedule.POLY, rec.config().optim().schedule());
        assertEquals(5.0, rec.config().optim().gradClip());
        assertNotNull(rec.robustness("clean"));
        assertNotNull(rec.robustness("pgd-first"));
        assertEquals(1000, rec.robustness("pgd-first").evaluated(), "after training: the whole test set");
    }

    @Test
    void cnnfTrainsAdversariallyAndIsAttackedFirstAndEndToEnd() {
        CliTest.Result r = cli("run", "fmnist-cnnf-adv", "--dataset", "mnist-subset", "--train-limit", "64", "--batch-size",
                "32", "--evaluate", "none", "--no-download", "--runs-dir", runs.toString());
        assertEquals(0, r.code(), r.err());
        Path dir = onlyRun("fmnist-cnnf-adv");
        RunRecord rec = record(dir);
        assertEquals(2, rec.facts().iterationsPerEpoch(), "64 images, batch 32");
        assertEquals(org.pnnlab.api.data.Normalization.of(0.5, 0.5), rec.config().normalization());
        assertTrue(rec.robustness().isEmpty());
        CliTest.Result e = cli("evaluate", dir.toString(), "--attack", "pgd", "--limit", "8", "--steps", "2",
                "--queries", "50", "--output", "last");
        assertEquals(0, e.code(), e.err());
        RunRecord after = record(dir);
        assertEquals(List.of("pgd-first@last", "pgd-e2e@last"), after.robustness().stream().map(RobustnessRecord::name).toList());
        assertEquals("last", after.robustness("pgd-e2e@last").classify());
        assertEquals(0.1, ((Number) after.robustness("pgd-e2e@last").threat().get("eps")).doubleValue(),
                "the run's own radius by default");

        // as the run classifies (the average over passes): the reference's two columns and the adaptive one
        assertEquals(0, cli("evaluate", dir.toString(), "--attack", "pgd", "--limit", "8", "--steps", "2", "--queries",
                "50").code());
        RunRecord avg = record(dir);
        RobustnessRecord adaptive = avg.robustness("pgd-average");
        assertNotNull(adaptive);
        assertEquals("average", adaptive.gradient());
        assertEquals("average", adaptive.classify());
        assertTrue(adaptive.attacksTheClassifier());
        assertFalse(avg.robustness("pgd-e2e").attacksTheClassifier(), "the last cycle is not what classifies");
        assertFalse(avg.robustness("pgd-first").attacksTheClassifier());
        assertNotNull(adaptive.masking(), "the masking checks come with every white-box entry");
        assertEquals("average", adaptive.masking().function());
        assertEquals(8, adaptive.masking().evaluated());
    }

    @Test
    void eotIsCheckedAndOnADeterministicModelSaidToBeUnneeded() {
        assertUserError(cli("evaluate", convRun.toString(), "--eot", "0"), "evaluation.eot (--eot)", ">= 1", "got 0");
        CliTest.Result r = cli("evaluate", convRun.toString(), "--attack", "fgsm", "--limit", "10", "--eot", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("--eot 2 is unneeded"), r.out());
        RobustnessRecord fgsm = record(convRun).robustness("fgsm-first");
        assertEquals(2, ((Number) fgsm.settings().get("eot")).intValue());
    }

    @Test
    void anInterruptedEvaluationKeepsWhatItFinished(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("run");
        Files.createDirectories(dir);
        Files.copy(convRun.resolve(RunStore.RUN_JSON), dir.resolve(RunStore.RUN_JSON));
        Path json = dir.resolve(RunStore.RUN_JSON);
        var saved = EvaluateCommand.load(convRun, "run");
        var data = org.pnnlab.datasets.Datasets.load("mnist-subset", runs, false);
        RuntimeException stop = new RuntimeException("interrupted");
        RobustnessEvaluator.Listener interrupt = (attack, evaluated, planned, correct) -> {
            if (attack.equals("pgd")) throw stop;
        };
        var request = new RobustnessSuite.Request(List.of("clean", "corruptions", "pgd"),
                saved.record().config().evaluationThreat(),
                saved.record().config().evaluation().withLimit(17).withBatchSize(17), 3);
        RuntimeException thrown = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () ->
                RobustnessSuite.run(AttackRegistry.load(), new RobustnessSuite.Model(saved.net(),
                        data.normalization(), dir.toString()), RobustnessSuite.pixels(data.test()),
                        org.pnnlab.experiments.Evaluation.labelVector(data.test().labels()), request, null, interrupt,
                        entries -> RunStore.addRobustness(json, entries)));
        assertEquals(stop, thrown);
        RunRecord after = record(dir);
        assertEquals(17, after.robustness("clean").evaluated(), "finished before the interruption");
        var corruptions = after.robustness("corruptions").corruptions();
        assertNotNull(corruptions);
        assertTrue(corruptions.complete());
        assertEquals(17, corruptions.evaluated());
        assertEquals(after.robustness("corruptions").accuracy(), corruptions.meanAccuracy(), 1e-12);
        assertTrue(corruptions.corruptions().stream().allMatch(c -> c.bySeverity().size() == 5));
        assertEquals(null, after.robustness("pgd-first"), "the interrupted attack left nothing");
    }

    @Test
    void theNetworkWithoutFeedbackIsAttackedOnceForBothColumns() {
        CliTest.Result r = cli("run", "fmnist-cnn-adv", "--dataset", "mnist-subset", "--train-limit", "64", "--batch-size",
                "32", "--evaluate", "none", "--queries", "50", "--no-download", "--runs-dir", runs.toString());
        assertEquals(0, r.code(), r.err());
        Path dir = onlyRun("fmnist-cnn-adv");
        assertEquals(50, record(dir).config().evaluation().squareQueries(), "--queries reaches the run's evaluation");
        // the run's own budget (50 queries) serves the masking checks' Square attack
        assertEquals(0, cli("evaluate", dir.toString(), "--attack", "pgd", "--limit", "20", "--steps", "2").code());
        RunRecord rec = record(dir);
        RobustnessRecord first = rec.robustness("pgd-first");
        RobustnessRecord e2e = rec.robustness("pgd-e2e");
        assertNotNull(first);
        assertNotNull(e2e);
        assertEquals(first.correct(), e2e.correct());
        assertEquals(20, first.evaluated());
    }

    @Test
    void aFreeAdversarialRunIsEvaluatedWithItsOwnThreatModel() {
        CliTest.Result r = cli("run", "fmnist-convnorm-robust", "--dataset", "mnist-subset", "--train-limit", "64",
                "--batch-size", "32", "--adv-repeats", "1", "--evaluate", "none", "--no-download", "--runs-dir",
                runs.toString());
        assertEquals(0, r.code(), r.err());
        Path dir = onlyRun("fmnist-convnorm-robust");
        CliTest.Result e = cli("evaluate", dir.toString(), "--attack", "pgd", "--limit", "4");
        assertEquals(0, e.code(), e.err());
        RobustnessRecord pgd = record(dir).robustness("pgd-first");
        assertNotNull(pgd);
        // free training at eps 0.1 is evaluated with PGD-20 of step eps/4, not the eps 0.1 / PGD-7 fallback
        assertEquals(0.1, ((Number) pgd.threat().get("eps")).doubleValue(), 1e-12);
        assertEquals(0.025, ((Number) pgd.threat().get("step")).doubleValue(), 1e-12);
        assertEquals(20, ((Number) pgd.threat().get("steps")).intValue());
        // a new radius keeps the run's step-to-radius ratio
        assertEquals(0, cli("evaluate", dir.toString(), "--attack", "pgd", "--limit", "4", "--eps", "0.2").code());
        assertEquals(0.05, ((Number) record(dir).robustness("pgd-first").threat().get("step")).doubleValue(), 1e-12);
    }

    @Test
    void anAttackAddedAsOnePluginClassIsUsedByName(@TempDir Path own) {
        // uniform-noise is one class and one services line; nothing else names it
        assertEquals(0, cli("run", "mnist-lenet-conv", "--dataset", "mnist-subset", "--train-limit", "256", "--epochs", "1",
                "--model-opt", "nfilters=8", "--no-download", "--runs-dir", own.toString()).code());
        Path dir;
        try (var s = Files.list(own.resolve("mnist-lenet-conv"))) {
            dir = s.findFirst().orElseThrow();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        CliTest.Result r = cli("evaluate", dir.toString(), "--attack", "uniform-noise,pgd", "--limit", "50", "--eps", "0.1");
        assertEquals(0, r.code(), r.err());
        RobustnessRecord noise = record(dir).robustness("uniform-noise");
        RobustnessRecord pgd = record(dir).robustness("pgd-first");
        assertNotNull(noise);
        assertEquals(50, noise.evaluated());
        assertEquals(0.1, ((Number) noise.threat().get("eps")).doubleValue());
        assertTrue(pgd.accuracy() <= noise.accuracy(), "random noise is no stronger than PGD: " + noise + " vs " + pgd);
        assertTrue(cli("list").out().contains("uniform-noise"));
    }
}
