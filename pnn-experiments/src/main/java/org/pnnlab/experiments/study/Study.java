package org.pnnlab.experiments.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.experiment.ExperimentRegistry;
import org.pnnlab.api.run.AdversarialTraining;
import org.pnnlab.api.run.Condition;
import org.pnnlab.api.run.DataConfig;
import org.pnnlab.api.run.LayerChoice;
import org.pnnlab.api.run.ModelConfig;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.run.RunConfigJson;
import org.pnnlab.api.run.ThreatSpec;
import org.pnnlab.api.run.VariedSlots;
import org.pnnlab.api.study.StudyManifest;
import org.pnnlab.experiments.study.StudyFile.AdversarialEntry;
import org.pnnlab.experiments.study.StudyFile.ConditionEntry;
import org.pnnlab.experiments.study.StudyFile.LayerEntry;
import org.pnnlab.experiments.study.StudyFile.ModelEntry;
import org.pnnlab.experiments.train.ConfigResolver;

/**
 * A study expanded into its cells: experiments × models × layers × conditions × seeds (seeds vary fastest), each
 * cell a configuration checked and canonicalised by the {@link ConfigResolver}, so its run id is the one its run
 * will have.
 *
 * @param name the study's name
 * @param file the study file, as given
 * @param baseline the baseline arm's label (what the manifest and the report compare with; see {@link #armLabel})
 * @param cells the cells in grid order
 * @param notes what was left out and why (an optional layer that is not installed)
 */
public record Study(String name, String file, String baseline, List<StudyCell> cells, List<String> notes) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final ObjectMapper JSON = new ObjectMapper();

    public Study {
        cells = List.copyOf(cells);
        notes = List.copyOf(notes);
    }

    /** Reads and expands {@code file} against the installed experiments, layers and the resolver. */
    public static Study load(Path file, ExperimentRegistry experiments, LayerRegistry layers, ConfigResolver resolver) {
        String fileName = file.getFileName().toString();
        String defaultName = fileName.replaceFirst("\\.(ya?ml)$", "");
        return expand(StudyReader.read(file), file.toString(), defaultName, experiments, layers, resolver);
    }

    /** The manifest the report reads. */
    public StudyManifest manifest() {
        return new StudyManifest(name, file, baseline, cells.stream()
                .map(c -> new StudyManifest.Cell(c.experiment(), c.runId(), c.arm(), c.setting())).toList());
    }

    /** Checks every part of {@code f} and expands it; every problem is one line starting with {@code source}. */
    public static Study expand(StudyFile f, String source, String defaultName, ExperimentRegistry experiments,
                               LayerRegistry layers, ConfigResolver resolver) {
        String name = f.name() != null ? f.name() : defaultName;
        if (!NAME.matcher(name).matches()) {
            throw new PnnException(source + ": the study name '" + name + "' must be letters, digits, '.', '_' or '-' "
                    + "(it names the manifest file); set 'name:'");
        }
        List<String> experimentNames = experimentNames(f, source);
        List<LayerEntry> layerAxis = axis(f.layers(), "layers", source, "layers: [{id: conv}, {id: convnorm}]");
        List<Long> seeds = axis(f.seeds(), "seeds", source, "seeds: [1, 2, 3]");
        List<ConditionEntry> conditions = f.conditions() == null
                ? List.of(new ConditionEntry(null, null, null, null, null, null))
                : axis(f.conditions(), "conditions", source, "conditions: [{}, {labelNoise: 0.4}]");
        List<@Nullable ModelEntry> models = new ArrayList<>();
        if (f.models() == null) models.add(null);
        else models.addAll(axis(f.models(), "models", source, "models: [{name: lenet}]"));
        if (new HashSet<>(seeds).size() != seeds.size()) throw new PnnException(source + ": 'seeds' repeats a seed: " + seeds);
        Set<String> labels = new HashSet<>();
        for (int i = 0; i < layerAxis.size(); i++) {
            LayerEntry e = layerAxis.get(i);
            if (e.id() == null || e.id().isBlank()) {
                throw new PnnException(source + ": 'layers[" + i + "]' needs an 'id' (a layer plugin of 'pnn list')");
            }
            if (!labels.add(e.labelOrId())) {
                throw new PnnException(source + ": two layer entries are called '" + e.labelOrId()
                        + "'; give them distinct 'label's");
            }
        }
        List<String> arms = new ArrayList<>();
        for (String exp : experimentNames) {
            for (LayerEntry e : layerAxis) arms.add(armLabel(exp, e, experimentNames.size(), layerAxis.size()));
        }
        String what = experimentNames.size() == 1 ? "the layers" : "the study's arms (with several experiments an arm is "
                + (layerAxis.size() == 1 ? "an experiment" : "EXPERIMENT/LAYER-LABEL") + ")";
        if (f.baseline() == null) {
            throw new PnnException(source + ": 'baseline' is missing: name the arm the others are compared with, one "
                    + "of " + arms);
        }
        if (!arms.contains(f.baseline())) {
            throw new PnnException(source + ": baseline '" + f.baseline() + "' is not among " + what + "; use one of "
                    + arms);
        }
        LayerEntry baseline = layerAxis.get(arms.indexOf(f.baseline()) % layerAxis.size());
        List<String> notes = new ArrayList<>();
        List<LayerEntry> installed = new ArrayList<>();
        for (LayerEntry e : layerAxis) {
            String missing = !layers.contains(e.id()) ? e.id()
                    : e.first() != null && !layers.contains(e.first().id()) ? e.first().id() : null;
            if (missing == null) {
                installed.add(e);
            } else if (e.isOptional() && e != baseline) {
                notes.add("layer '" + e.labelOrId() + "' skipped: the plugin '" + missing + "' is not installed");
            } else {
                throw new PnnException(source + ": layer '" + e.labelOrId() + "': unknown layer plugin '" + missing
                        + "'; installed: " + layers.ids() + (e == baseline ? "" : " (mark the entry 'optional: true' to "
                        + "skip it where the plugin is missing)"));
            }
        }
        if (f.overrides() != null && !f.overrides().isObject()) {
            throw new PnnException(source + ": 'overrides' must be a mapping (a JSON merge patch of the configuration "
                    + "that 'pnn config EXPERIMENT' prints)");
        }
        for (String k : List.of("experiment", "seed")) {
            if (f.overrides() != null && f.overrides().has(k)) {
                throw new PnnException(source + ": 'overrides." + k + "' cannot be overridden; use the '" + k + "s' axis");
            }
        }
        Map<String, RunConfig> bases = new LinkedHashMap<>();
        for (String exp : experimentNames) {
            if (!experiments.names().contains(exp)) {
                throw new PnnException(source + ": unknown experiment '" + exp + "'; known experiments: "
                        + String.join(", ", experiments.names()) + " (see 'pnn list')");
            }
            RunConfig preset = experiments.get(exp).preset();
            if (f.overrides() == null) {
                bases.put(exp, preset);
            } else {
                JsonNode tree;
                try {
                    tree = MergePatch.apply(JSON.readTree(RunConfigJson.write(preset)), f.overrides());
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
                bases.put(exp, RunConfigJson.fromTree(tree, source + ": overrides of " + exp));
            }
        }
        List<StudyCell> cells = new ArrayList<>();
        Map<String, StudyCell> byId = new HashMap<>();
        for (String exp : experimentNames) {
            for (int mi = 0; mi < models.size(); mi++) {
                ModelEntry m = models.get(mi);
                for (LayerEntry l : installed) {
                    String arm = armLabel(exp, l, experimentNames.size(), layerAxis.size());
                    for (int ci = 0; ci < conditions.size(); ci++) {
                        ConditionEntry c = conditions.get(ci);
                        int setting = mi * conditions.size() + ci;
                        for (long seed : seeds) {
                            StudyCell cell = cell(bases.get(exp), m, l, arm, setting, c, seed, f.attacks(), resolver,
                                    source);
                            StudyCell twin = byId.putIfAbsent(cell.runId(), cell);
                            if (twin != null) {
                                throw new PnnException(source + ": cells (" + twin.describe() + ") and (" + cell.describe()
                                        + ") are the same run " + cell.runId() + "; remove the repeated axis entry");
                            }
                            cells.add(cell);
                        }
                    }
                }
            }
        }
        return new Study(name, source, f.baseline(), cells, notes);
    }

    /**
     * The label of an arm, what the report compares with the baseline: the layer entry's label (default: its id) in
     * a study of one experiment; with several experiments, the experiment, or {@code EXPERIMENT/LABEL} when there are
     * several layer entries too.
     */
    static String armLabel(String experiment, LayerEntry layer, int experiments, int layers) {
        if (experiments == 1) return layer.labelOrId();
        return layers == 1 ? experiment : experiment + "/" + layer.labelOrId();
    }

    private static List<String> experimentNames(StudyFile f, String source) {
        if (f.experiment() != null && f.experiments() != null) {
            throw new PnnException(source + ": give 'experiment' or 'experiments', not both");
        }
        if (f.experiment() != null) return List.of(f.experiment());
        if (f.experiments() == null) {
            throw new PnnException(source + ": 'experiment' is missing: name the base experiment (see 'pnn list')");
        }
        List<String> names = axis(f.experiments(), "experiments", source, "experiments: [fmnist-cnn-adv, fmnist-cnnf-adv]");
        if (new HashSet<>(names).size() != names.size()) {
            throw new PnnException(source + ": 'experiments' repeats an experiment: " + names);
        }
        return names;
    }

    private static <T> List<T> axis(@Nullable List<T> values, String key, String source, String example) {
        if (values == null) throw new PnnException(source + ": '" + key + "' is missing; e.g. " + example);
        if (values.isEmpty()) throw new PnnException(source + ": the axis '" + key + "' is empty; e.g. " + example);
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null) throw new PnnException(source + ": '" + key + "[" + i + "]' is empty");
        }
        return values;
    }

    private static StudyCell cell(RunConfig base, @Nullable ModelEntry m, LayerEntry l, String arm, int setting,
                                  ConditionEntry c, long seed,
                                  @Nullable List<String> attacks, ConfigResolver resolver, String source) {
        String modelLabel = m == null ? null : m.describe(base.model().name());
        try {
            RunConfig r = base.withSeed(seed);
            ModelConfig model = r.model();
            if (m != null) {
                Map<String, Object> options = new LinkedHashMap<>(model.options());
                if (m.name() != null && !m.name().equals(model.name())) options.clear(); // another model's options
                if (m.options() != null) options.putAll(m.options());
                model = model.withName(m.name() != null ? m.name() : model.name()).withOptions(options);
            }
            LayerChoice layer = new LayerChoice(l.id(), l.params());
            model = l.first() == null ? model.withLayer(layer) : new ModelConfig(model.name(), model.options(),
                    new LayerChoice(l.first().id(), l.first().params()), layer, VariedSlots.ALL_BUT_FIRST);
            r = r.withModel(model).withData(data(r.data(), c)).withAdversarial(adversarial(r.adversarial(), c.adversarial()));
            if (attacks != null) r = r.withEvaluation(r.evaluation().withAttacks(attacks));
            if (l.regularisation() != null) r = r.withRegularisation(l.regularisation());
            r = resolver.resolve(r);
            return new StudyCell(arm, setting, l.labelOrId(), modelLabel, label(r), r);
        } catch (PnnException e) {
            throw new PnnException(source + ": cell (" + (modelLabel != null ? "model=" + modelLabel + ", " : "")
                    + "layer=" + l.labelOrId() + ", condition=" + c.describe() + ", seed=" + seed + " of "
                    + base.experiment() + "): " + e.getMessage(), e);
        }
    }

    /** The condition's label, with the validation split where there is one. */
    static String label(RunConfig r) {
        String label = r.condition().label();
        return r.data().validation() > 0 ? label + ", validation " + Condition.percent(r.data().validation()) + "%" : label;
    }

    private static DataConfig data(DataConfig d, ConditionEntry c) {
        return new DataConfig(d.dataset(), d.trainLimit(), or(c.validation(), d.validation()), or(c.subset(), d.subset()),
                or(c.labelNoise(), d.labelNoise()), or(c.noiseType(), d.noiseType()),
                or(c.noisyValidation(), d.noisyValidation()));
    }

    private static <T> T or(@Nullable T given, T base) {
        return given != null ? given : base;
    }

    private static AdversarialTraining adversarial(AdversarialTraining base, @Nullable AdversarialEntry a) {
        if (a == null) return base;
        if (a instanceof AdversarialEntry.None) return AdversarialTraining.NONE;
        if (a instanceof AdversarialEntry.Free free) {
            AdversarialTraining.Free fr = base instanceof AdversarialTraining.Free b ? b : AdversarialTraining.Free.defaults();
            return new AdversarialTraining.Free(free.eps() != null ? free.eps() : fr.eps(),
                    free.fgsmStep() != null ? free.fgsmStep() : fr.fgsmStep(),
                    free.repeats() != null ? free.repeats() : fr.repeats());
        }
        AdversarialEntry.Pgd pgd = (AdversarialEntry.Pgd) a;
        AdversarialTraining.Pgd p = base instanceof AdversarialTraining.Pgd b ? b : AdversarialTraining.Pgd.of(0.1);
        ThreatSpec t = p.threat();
        if (pgd.eps() != null) t = new ThreatSpec(pgd.eps(), pgd.eps() * (t.step() / t.eps()), t.steps());
        if (pgd.step() != null) t = t.withStep(pgd.step());
        if (pgd.steps() != null) t = t.withSteps(pgd.steps());
        return new AdversarialTraining.Pgd(t, pgd.clean() != null ? pgd.clean() : p.clean(),
                pgd.cleanWeight() != null ? pgd.cleanWeight() : p.cleanWeight(),
                pgd.mseWeight() != null ? pgd.mseWeight() : p.mseWeight());
    }
}
