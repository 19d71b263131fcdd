package org.pnnlab.experiments.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.AdversarialTraining;
import org.pnnlab.api.run.Augmentation;
import org.pnnlab.api.run.DataConfig;
import org.pnnlab.api.run.EvaluationConfig;
import org.pnnlab.api.run.LayerChoice;
import org.pnnlab.api.run.ModelConfig;
import org.pnnlab.api.run.NoiseType;
import org.pnnlab.api.run.OptimConfig;
import org.pnnlab.api.run.Optimizer;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.run.Schedule;
import org.pnnlab.api.run.ThreatSpec;

/**
 * The command line's run flags applied to a configuration: each flag sets one typed field (the records check the
 * values). A flag that is not given leaves the preset's value.
 */
final class RunFlags {
    private RunFlags() {
    }

    static RunConfig apply(RunConfig preset, Options.Run r) {
        RunConfig c = preset;
        if (r.seed != null) c = c.withSeed(r.seed);
        c = c.withData(data(c.data(), r));
        c = c.withModel(model(c.model(), r));
        c = c.withOptim(optim(c.optim(), r));
        c = c.withAdversarial(adversarial(c.adversarial(), r));
        c = c.withEvaluation(evaluation(c.evaluation(), c.adversarial(), r));
        if (r.augmentation != null) c = c.withAugmentation(Augmentation.parse(r.augmentation));
        if (r.ocnn != null) c = c.withRegularisation(c.regularisation().withOcnn(r.ocnn));
        return c;
    }

    private static DataConfig data(DataConfig d, Options.Run r) {
        if (r.dataset != null) d = d.withDataset(r.dataset);
        if (r.trainLimit != 0) d = d.withTrainLimit(r.trainLimit);
        if (r.labelNoise != null || r.noiseType != null) {
            d = d.withLabelNoise(r.labelNoise != null ? r.labelNoise : d.labelNoise(),
                    r.noiseType != null ? NoiseType.parse(r.noiseType) : d.noiseType());
        }
        if (r.subset != null) d = d.withSubset(r.subset);
        if (r.validation != null) d = d.withValidation(r.validation);
        if (r.noisyValidation) d = d.withNoisyValidation(true);
        return d;
    }

    /**
     * {@code --layer} fills the varied slots; its parameters start from the preset's when it is the preset's layer,
     * else from the plugin's defaults. {@code --model} keeps the slot layers; the options of another model start from
     * its own defaults.
     */
    private static ModelConfig model(ModelConfig m, Options.Run r) {
        Map<String, String> layerOpts = Options.pairs(r.layerOpts, "--layer-opt");
        Map<String, String> modelOpts = Options.pairs(r.modelOpts, "--model-opt");
        if (r.model != null && !r.model.equals(m.name())) m = m.withName(r.model).withOptions(Map.of());
        if (!modelOpts.isEmpty()) {
            Map<String, Object> o = new LinkedHashMap<>(m.options());
            o.putAll(modelOpts);
            m = m.withOptions(o);
        }
        LayerChoice current = m.otherSlots();
        if (r.layer != null || !layerOpts.isEmpty()) {
            String id = r.layer != null ? r.layer : current.id();
            Map<String, Object> params = new LinkedHashMap<>(id.equals(current.id()) ? current.params() : Map.of());
            params.putAll(layerOpts);
            m = m.withLayer(new LayerChoice(id, params));
        }
        return m;
    }

    private static OptimConfig optim(OptimConfig o, Options.Run r) {
        if (r.epochs != null) o = o.withEpochs(r.epochs);
        if (r.batchSize != null) o = o.withBatchSize(r.batchSize);
        if (r.lr != null) o = o.withLearningRate(r.lr);
        if (r.optimizer != null) o = o.withOptimizer(Optimizer.parse(r.optimizer));
        if (r.momentum != null) o = o.withMomentum(r.momentum);
        if (r.weightDecay != null) o = o.withWeightDecay(r.weightDecay);
        if (r.schedule != null) o = o.withSchedule(Schedule.parse(r.schedule));
        if (r.power != null) o = o.withPower(r.power);
        if (r.gradClip != null) o = o.withGradClip(r.gradClip);
        if (r.dropLast != null) o = o.withDropLast(r.dropLast);
        return o;
    }

    /**
     * {@code --adv-repeats}/{@code --fgsm-step} ask for free training (the ConvNorm recipe's settings where not
     * given), the PGD flags for PGD training (PGD-7 at eps 0.1 where not given); {@code --adv-eps} moves the radius
     * of whichever the run has, and a new PGD radius keeps the step-to-radius ratio.
     */
    private static AdversarialTraining adversarial(AdversarialTraining a, Options.Run r) {
        boolean pgdFlags = r.advStep != null || r.advSteps != null || r.clean != null || r.cleanWeight != null
                || r.mseWeight != null;
        boolean freeFlags = r.advRepeats != null || r.fgsmStep != null;
        if (freeFlags || (a instanceof AdversarialTraining.Free && !pgdFlags)) {
            if (pgdFlags) {
                throw new PnnException("--adv-step, --adv-steps, --clean, --clean-weight and --mse-weight belong to PGD "
                        + "training; free training (--adv-repeats/--fgsm-step) trains on the perturbed batch only (the "
                        + "evaluation's PGD is set with --eval-step and --eval-steps)");
            }
            if (!freeFlags && r.advEps == null) return a;
            AdversarialTraining.Free f = a instanceof AdversarialTraining.Free free ? free : AdversarialTraining.Free.defaults();
            if (r.advEps != null) f = f.withEps(r.advEps);
            if (r.fgsmStep != null) f = f.withFgsmStep(r.fgsmStep);
            if (r.advRepeats != null) f = f.withRepeats(r.advRepeats);
            return f;
        }
        if (!pgdFlags && r.advEps == null) return a;
        AdversarialTraining.Pgd p = a instanceof AdversarialTraining.Pgd pgd ? pgd : AdversarialTraining.Pgd.of(0.1);
        ThreatSpec t = p.threat();
        if (r.advEps != null) t = new ThreatSpec(r.advEps, r.advEps * (t.step() / t.eps()), t.steps());
        if (r.advStep != null) t = t.withStep(r.advStep);
        if (r.advSteps != null) t = t.withSteps(r.advSteps);
        p = p.withThreat(t);
        if (r.clean != null || r.cleanWeight != null) {
            boolean on = r.clean == null ? p.clean() : switch (r.clean) {
                case "supclean" -> true;
                case "no" -> false;
                default -> throw new PnnException("--clean must be supclean or no, got '" + r.clean + "'");
            };
            p = p.withClean(on, r.cleanWeight != null ? r.cleanWeight : p.cleanWeight());
        }
        if (r.mseWeight != null) p = p.withMseWeight(r.mseWeight);
        return p;
    }

    /** The evaluation flags; a partly given threat model takes the rest from the run's adversarial training. */
    private static EvaluationConfig evaluation(EvaluationConfig e, AdversarialTraining training, Options.Run r) {
        if (r.evaluate != null) {
            e = e.withAttacks(r.evaluate.equals("none") ? List.of()
                    : Arrays.stream(r.evaluate.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList());
        }
        if (r.spsaLimit != null) e = e.withSpsa(r.spsaLimit, e.spsaSamples());
        if (r.eot != null) e = e.withEot(r.eot);
        if (r.queries != null) e = e.withSquareQueries(r.queries);
        if (r.evalEps != null || r.evalStep != null || r.evalSteps != null) {
            ThreatSpec t = e.threatFor(training);
            if (r.evalEps != null) t = new ThreatSpec(r.evalEps, r.evalEps * (t.step() / t.eps()), t.steps());
            if (r.evalStep != null) t = t.withStep(r.evalStep);
            if (r.evalSteps != null) t = t.withSteps(r.evalSteps);
            e = e.withThreat(t);
        }
        return e;
    }
}
