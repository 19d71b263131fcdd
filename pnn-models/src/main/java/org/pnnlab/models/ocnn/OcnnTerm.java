package org.pnnlab.models.ocnn;

import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pnnlab.api.capability.TrainableKernel;
import org.pnnlab.api.train.LossTerm;

/** λ·D, D the sum of the distances of the targets' kernels (spec CONVNORM 3.7). */
public final class OcnnTerm implements LossTerm {
    private final double lambda;
    private final List<OrthogonalityTarget> targets;
    private final Map<String, TrainableKernel> kernels;

    /** @param kernels the network's layers with a trainable kernel, by name; every target names one */
    public OcnnTerm(double lambda, List<OrthogonalityTarget> targets, Map<String, TrainableKernel> kernels) {
        this.lambda = lambda;
        this.targets = List.copyOf(targets);
        this.kernels = Map.copyOf(kernels);
        for (OrthogonalityTarget t : targets) {
            if (!kernels.containsKey(t.layer())) throw new IllegalArgumentException("no trainable kernel " + t.layer());
        }
    }

    @Override
    public String name() {
        return "ocnn";
    }

    public List<OrthogonalityTarget> targets() {
        return targets;
    }

    /** D, the unweighted distance, at the current kernels. */
    public double distance() {
        double d = 0;
        for (OrthogonalityTarget t : targets) d += of(t).value();
        return d;
    }

    @Override
    public double addGradient(double gradientScale) {
        double d = 0;
        for (OrthogonalityTarget t : targets) {
            OrthogonalityDistance.ValueAndGradient vg = of(t);
            d += vg.value();
            INDArray g = kernels.get(t.layer()).kernelGradient();
            g.addi(vg.gradient().castTo(g.dataType()).muli(lambda * gradientScale));
        }
        return lambda * d;
    }

    private OrthogonalityDistance.ValueAndGradient of(OrthogonalityTarget t) {
        INDArray k = kernels.get(t.layer()).kernelParameter();
        return t.distance() == OrthogonalityTarget.Distance.ORTH ? OrthogonalityDistance.orth(k)
                : OrthogonalityDistance.deconv(k, t.stride());
    }
}
