package org.pnnlab.experiments.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.experiment.ExperimentRegistry;
import org.pnnlab.api.run.AdversarialTraining;
import org.pnnlab.api.run.NoiseType;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.experiments.CoreModule;
import org.pnnlab.experiments.train.ConfigResolver;

/** Study files: strict reading, expansion into resolved cells, the shipped files. */
class StudyFileTest {
    private static final ExperimentRegistry EXPERIMENTS = ExperimentRegistry.load();
    private static final LayerRegistry LAYERS = LayerRegistry.load();
    private static final ConfigResolver RESOLVER = CoreModule.injector(null).getInstance(ConfigResolver.class);
    private static final String TINY = """
            experiment: mnist-lenet-conv
            overrides:
              data: {dataset: mnist-subset, trainLimit: 128}
              optim: {epochs: 1}
              model: {options: {nfilters: 8}}
            layers: [{id: conv}, {id: perturbation, first: {id: conv}}]
            baseline: conv
            """;

    private static Study expand(String yaml) {
        return expand(yaml, LAYERS);
    }

    private static Study expand(String yaml, LayerRegistry layers) {
        return Study.expand(StudyReader.parse(yaml, "t.yaml"), "t.yaml", "t", EXPERIMENTS, layers, RESOLVER);
    }

    private static String error(String yaml) {
        return assertThrows(PnnException.class, () -> expand(yaml)).getMessage();
    }

    @Test
    void everyShippedStudyFileExpandsToItsGrid() throws IOException {
        // the demo's lbc arm is the Kotlin example plugin, loaded from plugins/ at run time: present or skipped
        Map<String, Integer> expected = Map.of("demo", LAYERS.contains("lbc") ? 3 : 2, "pnn-fashion", 4 * 3,
                "convnorm-fashion", 2 * 8 * 3, "convnorm-fashion-min", 2 * 4 * 3, "cnnf-fashion", 2 * 3,
                "convnorm-methods-fashion", 5 * 3 * 3);
        List<Path> files;
        try (Stream<Path> s = Files.list(Paths.get("..", "studies"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertEquals(expected.keySet(), files.stream().map(p -> p.getFileName().toString().replace(".yaml", ""))
                .collect(java.util.stream.Collectors.toSet()), "every shipped study has an expected cell count");
        for (Path f : files) {
            Study s = Study.load(f, EXPERIMENTS, LAYERS, RESOLVER);
            assertEquals(expected.get(s.name()), s.cells().size(), f.toString());
            assertEquals(s.cells().size(), s.cells().stream().map(StudyCell::runId).distinct().count(), f.toString());
            for (StudyCell c : s.cells()) assertEquals(c.config(), RESOLVER.resolve(c.config()), "resolved: " + c);
        }
    }

    @Test
    void pnnFashionArmsAreTheFourStudyPresets() {
        Study s = Study.load(Paths.get("..", "studies", "pnn-fashion.yaml"), EXPERIMENTS, LAYERS, RESOLVER);
        Map<String, String> presets = Map.of("conv", "fmnist-study-conv", "perturb", "fmnist-study-perturb",
                "perturb-mix", "fmnist-study-perturb-mix", "1x1-control", "fmnist-study-1x1");
        for (StudyCell c : s.cells()) {
            RunConfig preset = RESOLVER.resolve(EXPERIMENTS.get(presets.get(c.layer())).preset());
            assertEquals(preset.withExperiment("fmnist-study-conv").withSeed(c.seed()), c.config(), c.layer());
        }
    }

    @Test
    void convnormConditionsAndCnnfExperiments() {
        Study cn = Study.load(Paths.get("..", "studies", "convnorm-fashion.yaml"), EXPERIMENTS, LAYERS, RESOLVER);
        assertEquals(List.of("clean", "sym-noise 20%", "sym-noise 40%", "sym-noise 60%", "sym-noise 80%", "subset 10%",
                "subset 20%", "subset 50%"), cn.cells().stream().map(StudyCell::condition).distinct().toList());
        assertEquals(NoiseType.SYMMETRIC, cn.cells().get(3).config().data().noiseType());
        assertEquals(List.of(1L, 2L, 3L), cn.cells().stream().limit(3).map(StudyCell::seed).toList(), "seeds vary fastest");
        Study cnnf = Study.load(Paths.get("..", "studies", "cnnf-fashion.yaml"), EXPERIMENTS, LAYERS, RESOLVER);
        assertEquals(List.of("fmnist-cnn-adv", "fmnist-cnnf-adv"),
                cnnf.cells().stream().map(StudyCell::experiment).distinct().toList());
        for (StudyCell c : cnnf.cells()) {
            RunConfig preset = RESOLVER.resolve(EXPERIMENTS.get(c.experiment()).preset());
            assertEquals(preset.withSeed(c.seed()), c.config(), "the study states the presets' own recipe");
        }
    }

    @Test
    void theDemoSkipsAnOptionalLayerThatIsNotInstalled() throws IOException {
        String yaml = Files.readString(Paths.get("..", "studies", "demo.yaml"));
        assertEquals(LAYERS.contains("lbc") ? 3 : 2, expand(yaml).cells().size());
        LayerRegistry withoutLbc = LayerRegistry.of(LAYERS.plugins().stream().filter(p -> !p.id().equals("lbc")).toList());
        Study s = expand(yaml, withoutLbc);
        assertEquals(List.of("conv", "perturbation"), s.cells().stream().map(StudyCell::layer).toList());
        assertEquals(List.of("layer 'lbc' skipped: the plugin 'lbc' is not installed"), s.notes());
        // a layer not marked optional is an error naming it
        String msg = assertThrows(PnnException.class, () -> expand(yaml.replace(", optional: true", ""), withoutLbc))
                .getMessage();
        assertTrue(msg.startsWith("t.yaml: layer 'lbc': unknown layer plugin 'lbc'"), msg);
    }

    @Test
    void pnnDemoReadsTheDemoStudyBundledFromTheRepository() throws IOException {
        try (var in = StudyFileTest.class.getClassLoader().getResourceAsStream("studies/demo.yaml")) {
            assertTrue(in != null, "studies/demo.yaml is on the class path");
            assertEquals(Files.readString(Paths.get("..", "studies", "demo.yaml")),
                    new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @Test
    void cellsApplyOverridesLayersConditionsAttacksAndSeeds() {
        Study s = expand(TINY + """
                conditions:
                  - {}
                  - {labelNoise: 0.4, noiseType: asymmetric, validation: 0.1}
                  - {adversarial: {method: free, eps: 0.1, fgsmStep: 0.05, repeats: 2}}
                  - {adversarial: {method: pgd, eps: 0.2}}
                attacks: [clean, fgsm]
                seeds: [3, 4]
                """);
        assertEquals(2 * 4 * 2, s.cells().size());
        assertEquals("conv", s.baseline());
        StudyCell noisy = s.cells().get(2);
        assertEquals("asym-noise 40%, validation 10%", noisy.condition());
        assertEquals(0.1, noisy.config().data().validation());
        assertEquals(128, noisy.config().data().trainLimit());
        assertEquals(8, noisy.config().model().options().get("nfilters"));
        assertEquals(List.of("clean", "fgsm"), noisy.config().evaluation().attacks());
        assertEquals(3, noisy.seed());
        assertEquals(new AdversarialTraining.Free(0.1, 0.05, 2), s.cells().get(4).config().adversarial());
        var pgd = (AdversarialTraining.Pgd) s.cells().get(6).config().adversarial();
        assertEquals(0.2, pgd.threat().eps());
        assertEquals(0.2 * AdversarialTraining.Pgd.STEP_RATIO, pgd.threat().step(), 1e-12);
        StudyCell perturb = s.cells().get(8);
        assertEquals("perturbation", perturb.config().layer());
        assertEquals("conv", perturb.config().model().firstSlot().id());
        assertTrue(perturb.runId().startsWith("mnist-lenet-conv-perturbation-") && perturb.runId().endsWith("-s3"));
        assertEquals(s.cells().size(), s.manifest().cells().size());
        assertEquals(perturb.runId(), s.manifest().cells().get(8).runId());
    }

    @Test
    void armsSharingALayerIdAreNamedByLabelAndRecordedPerCellInTheManifest() {
        Study s = expand("""
                experiment: mnist-lenet-conv
                overrides: {data: {dataset: mnist-subset, trainLimit: 128}, optim: {epochs: 1}}
                layers:
                  - {id: perturbation, label: one-mask, params: {nmasks: 1}, first: {id: conv}}
                  - {id: perturbation, label: fan-out, params: {nmasks: 4, mix_maps: true}, first: {id: conv}}
                baseline: one-mask
                conditions: [{}, {labelNoise: 0.4}]
                seeds: [1, 2]
                """);
        assertEquals("one-mask", s.baseline());
        assertEquals(List.of("one-mask", "one-mask", "one-mask", "one-mask", "fan-out", "fan-out", "fan-out", "fan-out"),
                s.cells().stream().map(StudyCell::arm).toList());
        assertEquals(List.of(0, 0, 1, 1, 0, 0, 1, 1), s.cells().stream().map(StudyCell::setting).toList());
        var manifest = s.manifest();
        assertEquals("one-mask", manifest.baseline());
        for (int i = 0; i < s.cells().size(); i++) {
            assertEquals(s.cells().get(i).arm(), manifest.cells().get(i).arm());
            assertEquals(s.cells().get(i).setting(), manifest.cells().get(i).setting());
            assertEquals(s.cells().get(i).runId(), manifest.cells().get(i).runId());
        }
        assertEquals("t.yaml: two layer entries are called 'perturbation'; give them distinct 'label's", error("""
                experiment: mnist-lenet-conv
                layers: [{id: perturbation, params: {nmasks: 1}}, {id: perturbation, params: {nmasks: 2}}]
                baseline: perturbation
                seeds: [1]
                """));
    }

    @Test
    void anArmMayBringItsOwnRegularisation() {
        Study s = expand("""
                experiment: mnist-lenet-conv
                overrides: {data: {dataset: mnist-subset, trainLimit: 128}, optim: {epochs: 1}}
                layers: [{id: conv}, {id: conv, label: conv-ocnn, regularisation: {ocnn: 0.001}}]
                baseline: conv
                seeds: [1]
                """);
        assertEquals(List.of(0.0, 0.001), s.cells().stream().map(c -> c.config().regularisation().ocnn()).toList());
        assertNotEquals(s.cells().get(0).runId(), s.cells().get(1).runId());
        assertTrue(error("""
                experiment: mnist-lenet-conv
                layers: [{id: conv}, {id: conv, label: o, regularisation: {ocnn: -1}}]
                baseline: conv
                seeds: [1]
                """).contains("regularisation.ocnn (--ocnn)"));
    }

    @Test
    void withSeveralExperimentsTheArmsAreTheExperiments() {
        String twoExperiments = """
                experiments: [mnist-lenet-conv, mnist-lenet-perturb]
                overrides: {data: {dataset: mnist-subset, trainLimit: 128}, optim: {epochs: 1}}
                layers: [{id: conv}]
                baseline: mnist-lenet-conv
                seeds: [1]
                """;
        Study s = expand(twoExperiments);
        assertEquals(List.of("mnist-lenet-conv", "mnist-lenet-perturb"), s.cells().stream().map(StudyCell::arm).toList());
        assertEquals(List.of(0, 0), s.cells().stream().map(StudyCell::setting).toList());
        assertEquals("t.yaml: baseline 'conv' is not among the study's arms (with several experiments an arm is an "
                        + "experiment); use one of [mnist-lenet-conv, mnist-lenet-perturb]",
                error(twoExperiments.replace("baseline: mnist-lenet-conv", "baseline: conv")));
        Study both = expand(twoExperiments.replace("[{id: conv}]", "[{id: conv}, {id: perturbation, label: p}]")
                .replace("baseline: mnist-lenet-conv", "baseline: mnist-lenet-conv/conv"));
        assertEquals(List.of("mnist-lenet-conv/conv", "mnist-lenet-conv/p", "mnist-lenet-perturb/conv",
                "mnist-lenet-perturb/p"), both.cells().stream().map(StudyCell::arm).toList());
    }

    @Test
    void mergePatchReplacesMergesAndRemoves() throws IOException {
        var m = new com.fasterxml.jackson.databind.ObjectMapper();
        var target = m.readTree("{\"a\": {\"b\": 1, \"c\": 2}, \"d\": [1, 2]}");
        var patch = m.readTree("{\"a\": {\"b\": null, \"e\": 3}, \"d\": [3]}");
        assertEquals(m.readTree("{\"a\": {\"c\": 2, \"e\": 3}, \"d\": [3]}"), MergePatch.apply(target, patch));
    }

    @Test
    void anUnknownKeyNamesItsPathAndTheAllowedKeys() {
        assertEquals("t.yaml: unknown key 'seed'; the keys allowed there are: attacks, baseline, conditions, "
                + "experiment, experiments, layers, models, name, overrides, seeds", error(TINY + "seed: [1]\n"));
        String nested = error(TINY + "seeds: [1]\nconditions: [{}, {labelnoise: 0.4}]\n");
        assertTrue(nested.startsWith("t.yaml: unknown key 'conditions[1].labelnoise'; the keys allowed there are: "
                + "adversarial, labelNoise, noiseType"), nested);
        String adv = error(TINY + "seeds: [1]\nconditions: [{adversarial: {method: free, step: 0.1}}]\n");
        assertTrue(adv.startsWith("t.yaml: unknown key 'conditions[0].adversarial.step'; the keys allowed there are: "
                + "eps, fgsmStep, repeats"), adv);
        assertEquals("t.yaml: 'conditions[0].adversarial.method' must be none, pgd or free, got 'fgsm'",
                error(TINY + "seeds: [1]\nconditions: [{adversarial: {method: fgsm}}]\n"));
        String override = error(TINY.replace("optim: {epochs: 1}", "optim: {epoch: 1}") + "seeds: [1]\n");
        assertTrue(override.startsWith("t.yaml: overrides of mnist-lenet-conv: unknown field 'optim.epoch'"), override);
        String type = error(TINY + "seeds: [one]\n");
        assertEquals("t.yaml: 'seeds[0]' has the wrong type (expected an integer)", type);
    }

    @Test
    void emptyAxesMissingKeysAndABadBaselineAreNamed() {
        assertEquals("t.yaml: the axis 'seeds' is empty; e.g. seeds: [1, 2, 3]", error(TINY + "seeds: []\n"));
        assertEquals("t.yaml: the axis 'conditions' is empty; e.g. conditions: [{}, {labelNoise: 0.4}]",
                error(TINY + "seeds: [1]\nconditions: []\n"));
        assertEquals("t.yaml: the axis 'layers' is empty; e.g. layers: [{id: conv}, {id: convnorm}]",
                error(TINY.replace("[{id: conv}, {id: perturbation, first: {id: conv}}]", "[]") + "seeds: [1]\n"));
        assertEquals("t.yaml: 'seeds' is missing; e.g. seeds: [1, 2, 3]", error(TINY));
        assertEquals("t.yaml: baseline 'convnorm' is not among the layers; use one of [conv, perturbation]",
                error(TINY.replace("baseline: conv", "baseline: convnorm") + "seeds: [1]\n"));
        assertEquals("t.yaml: 'experiment' is missing: name the base experiment (see 'pnn list')",
                error("layers: [{id: conv}]\nbaseline: conv\nseeds: [1]\n"));
        assertEquals("t.yaml: 'seeds' repeats a seed: [1, 1]", error(TINY + "seeds: [1, 1]\n"));
        String exp = error(TINY.replace("mnist-lenet-conv", "mnist-lenet") + "seeds: [1]\n");
        assertTrue(exp.startsWith("t.yaml: unknown experiment 'mnist-lenet'; known experiments: "), exp);
        String attack = error(TINY + "seeds: [1]\nattacks: [pgd, cw]\n");
        assertTrue(attack.startsWith("t.yaml: cell (layer=conv, condition={}, seed=1 of mnist-lenet-conv): "), attack);
        assertTrue(attack.contains("cw"), attack);
    }

    @Test
    void aCellThatFailsItsOwnChecksIsNamedWithItsAxisValues() {
        String msg = error(TINY + "seeds: [1]\nconditions: [{}, {labelNoise: 1.5}]\n");
        assertEquals("t.yaml: cell (layer=conv, condition={labelNoise: 1.5}, seed=1 of mnist-lenet-conv): "
                + "data.labelNoise (--label-noise) must be in [0, 1) (a fraction of the training labels), got 1.5", msg);
        String param = error(TINY.replace("{id: perturbation, first: {id: conv}}",
                "{id: perturbation, params: {nmask: 2}, first: {id: conv}}") + "seeds: [1]\n");
        assertTrue(param.startsWith("t.yaml: cell (layer=perturbation, condition={}, seed=1 of mnist-lenet-conv): "),
                param);
        assertTrue(param.contains("nmask"), param);
        String twin = error(TINY + "seeds: [1]\nconditions: [{}, {labelNoise: 0.0}]\n");
        assertTrue(twin.contains("are the same run mnist-lenet-conv-conv-"), twin);
    }

    @Test
    void theReadmeExampleIsAValidStudy() throws IOException {
        String readme = Files.readString(Paths.get("..", "README.md"));
        int start = readme.indexOf("```yaml\nname: convnorm-fashion");
        assertTrue(start >= 0, "the README shows a study file");
        String yaml = readme.substring(start + "```yaml\n".length(), readme.indexOf("```", start + 7));
        Study s = expand(yaml);
        assertEquals(2 * 1 * 4 * 3, s.cells().size());
        assertEquals("cn", s.cells().get(12).layer());
        assertEquals(32, s.cells().get(0).config().model().options().get("nfilters"));
    }

    @Test
    void theStudyNameMustBeAFileName() {
        String msg = error("name: a/b\n" + TINY + "seeds: [1]\n");
        assertTrue(msg.startsWith("t.yaml: the study name 'a/b' must be"), msg);
        assertFalse(expand(TINY + "seeds: [1]\n").name().isEmpty());
    }
}
