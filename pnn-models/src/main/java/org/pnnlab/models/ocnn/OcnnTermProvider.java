package org.pnnlab.models.ocnn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.capability.ConvolutionGeometry;
import org.pnnlab.api.capability.TrainableKernel;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.api.train.LossTerm;
import org.pnnlab.models.ModelRegistry;

/**
 * {@code ocnn}: the OCNN term of a run with {@code regularisation.ocnn} (λ) above 0. The kernels are the network's
 * {@link TrainableKernel} layers; which of them and with which distance is the model's choice
 * ({@link org.pnnlab.models.ModelFactory#ocnnTargets}).
 */
public final class OcnnTermProvider implements LossTerm.Provider {
    @Override
    public String id() {
        return "ocnn";
    }

    @Override
    public @Nullable LossTerm create(ComputationGraph net, RunConfig config) {
        double lambda = config.regularisation().ocnn();
        if (lambda == 0) return null;
        Map<String, TrainableKernel> kernels = new LinkedHashMap<>();
        Map<String, ConvolutionGeometry> geometry = new LinkedHashMap<>();
        for (int i : net.topologicalSortOrder()) {
            GraphVertex v = net.getVertices()[i];
            if (v.hasLayer() && v.getLayer() instanceof TrainableKernel k) {
                kernels.put(v.getVertexName(), k);
                geometry.put(v.getVertexName(), k.geometry());
            }
        }
        List<OrthogonalityTarget> targets = ModelRegistry.load().get(config.model().name()).ocnnTargets(geometry);
        if (targets.isEmpty()) {
            throw new PnnException("--ocnn (regularisation.ocnn) " + lambda + ": model " + config.model().name()
                    + " with layer " + config.layer() + " has no convolution whose kernel is a parameter to regularise;"
                    + " use a layer such as conv or convnorm, or drop --ocnn");
        }
        return new OcnnTerm(lambda, targets, kernels);
    }
}
