package org.pnnlab.experiments.train;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.pnnlab.api.plugin.PluginServices;
import org.pnnlab.api.plugin.Plugins;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.train.LossTerm;

/**
 * The extra loss terms of a run: every {@link LossTerm.Provider} found through {@link Plugins#loader()} (built in and
 * from plugin jars; two with one id are an error) is asked for its term, and the step strategies add the active
 * ones after their backward pass, before the update.
 */
public final class LossTerms {
    /** No extra term. */
    public static final LossTerms NONE = new LossTerms(List.of());

    private final List<LossTerm> terms;

    public LossTerms(List<LossTerm> terms) {
        this.terms = List.copyOf(terms);
    }

    /** The terms {@code config} asks for on {@code net}; a term that cannot apply to the network is an error. */
    public static LossTerms forRun(ComputationGraph net, RunConfig config) {
        var providers = PluginServices.byKey(PluginServices.load(LossTerm.Provider.class, Plugins.loader(), "loss term"),
                LossTerm.Provider::id, "loss term", "id");
        List<LossTerm> active = new ArrayList<>();
        for (var p : providers.values()) {
            LossTerm t = p.service().create(net, config);
            if (t != null) active.add(t);
        }
        return new LossTerms(active);
    }

    public boolean isEmpty() {
        return terms.isEmpty();
    }

    public List<LossTerm> terms() {
        return terms;
    }

    /**
     * Adds every term's gradient to the network's gradient, which holds a sum over {@code batch} examples (the
     * updater divides by the batch), so each term's gradient is scaled by {@code batch}; returns the sum of the
     * terms' values, to be added to the batch's mean loss.
     */
    public double addTo(ComputationGraph net, int batch) {
        if (terms.isEmpty()) return 0;
        if (net.getFlattenedGradients() == null) net.initGradientsView();
        double sum = 0;
        for (LossTerm t : terms) sum += t.addGradient(batch);
        return sum;
    }
}
