package org.pnnlab.experiments.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pnnlab.api.ParamKind;
import org.pnnlab.models.ParamCounts;

/**
 * The part of a step that DL4J's {@code fit} does after the gradient: global gradient-norm clipping over the
 * trainable parameters (PyTorch's {@code clip_grad_norm_}: scale by {@code max/(norm + 1e-6)} when that is below 1,
 * before weight decay), then the network's own updater (per-parameter updaters, L2, the schedule, division by the
 * batch) and the parameter update.
 */
final class GradientStep {
    private final ComputationGraph net;
    private final double gradClip;
    private final List<INDArray> trainableGradients = new ArrayList<>();

    GradientStep(ComputationGraph net, double gradClip) {
        this.net = net;
        this.gradClip = gradClip;
        if (net.getFlattenedGradients() == null) net.initGradientsView(); // DL4J makes it on the first fit
        for (Layer l : net.getLayers()) {
            if (l.numParams() == 0) continue;
            Map<String, INDArray> views = l.conf().getLayer().initializer()
                    .getGradientsFromFlattened(l.conf(), l.getGradientsViewArray());
            for (Map.Entry<String, INDArray> e : views.entrySet()) {
                if (ParamCounts.kindOf(l, e.getKey()) == ParamKind.TRAINABLE) trainableGradients.add(e.getValue());
            }
        }
    }

    /** Clips (if asked) and applies the gradient in the network's gradient view, a sum over {@code batch} examples. */
    void apply(int batch) {
        if (gradClip > 0) clip(batch);
        applyUpdate(net, batch);
    }

    private void clip(int divide) {
        double sq = 0;
        for (INDArray g : trainableGradients) {
            double n = g.norm2Number().doubleValue();
            sq += n * n;
        }
        double norm = Math.sqrt(sq) / divide;
        double coef = gradClip / (norm + 1e-6);
        if (coef < 1) {
            for (INDArray g : trainableGradients) g.muli(coef);
        }
    }

    /**
     * Hands the gradient in the network's flattened gradient view (sums over {@code batch} examples) to its own
     * updater, subtracts the result from the parameters and counts the iteration, as {@code fit} does.
     */
    static void applyUpdate(ComputationGraph net, int batch) {
        Gradient g = new DefaultGradient(net.getFlattenedGradients());
        int iteration = net.getConfiguration().getIterationCount();
        int epoch = net.getConfiguration().getEpochCount();
        net.getUpdater().update(g, iteration, epoch, batch, LayerWorkspaceMgr.noWorkspaces());
        INDArray params = net.params();
        params.subi(net.getFlattenedGradients().reshape(params.shape()));
        net.getConfiguration().setIterationCount(iteration + 1);
    }
}
