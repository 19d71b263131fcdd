package org.pnnlab.layers.dl4j;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Runtime of {@link PReLUBlock}: runs the sub-layers in order with the shared slope between them. */
public class PReLUBlockLayer extends BaseLayer<PReLUBlock> {
    private List<Layer> subs = List.of();
    private SharedPReLU act;
    private INDArray[] preActivation = new INDArray[0];

    public PReLUBlockLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    void attach(List<Layer> subLayers) {
        this.subs = List.copyOf(subLayers);
        this.act = new SharedPReLU(getParam(PReLUBlock.SLOPE));
        for (Layer l : subs) {
            if (l instanceof PerturbationCoreLayer core) core.shareActivation(act);
        }
        this.preActivation = new INDArray[subs.size()];
    }

    /** The sub-layers' runtimes, in order. */
    public List<Layer> subLayers() {
        return subs;
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray gradients) {
        super.setBackpropGradientsViewArray(gradients);
        INDArray flat = gradients.reshape(gradients.length());
        long offset = 0;
        for (Layer l : subs) {
            long n = l.numParams();
            if (n > 0) l.setBackpropGradientsViewArray(flat.get(NDArrayIndex.interval(offset, offset + n)));
            offset += n;
        }
        act.gradientInto(gradientViews.get(PReLUBlock.SLOPE));
    }

    private boolean actAfter(int i) {
        return layerConf().getActAfter().get(i);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        INDArray x = input.castTo(dataType);
        for (int i = 0; i < subs.size(); i++) {
            Layer l = subs.get(i);
            l.setInput(x, mgr);
            x = l.activate(training, mgr);
            if (actAfter(i)) {
                preActivation[i] = x;
                x = act.getActivation(x.dup('c'), training);
            }
        }
        return mgr.leverageTo(ArrayType.ACTIVATIONS, x);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        INDArray slopeGrad = gradientViews.get(PReLUBlock.SLOPE);
        slopeGrad.assign(0);
        INDArray eps = epsilon.castTo(dataType);
        List<Gradient> parts = new ArrayList<>();
        for (int i = subs.size() - 1; i >= 0; i--) {
            if (actAfter(i)) eps = act.backprop(preActivation[i], eps).getFirst();
            Pair<Gradient, INDArray> p = subs.get(i).backpropGradient(eps, mgr);
            parts.add(0, p.getFirst());
            eps = p.getSecond();
        }
        Gradient g = new DefaultGradient();
        for (int i = 0; i < parts.size(); i++) {
            for (var e : parts.get(i).gradientForVariable().entrySet()) {
                g.setGradientFor(i + "." + e.getKey(), e.getValue());
            }
        }
        g.setGradientFor(PReLUBlock.SLOPE, slopeGrad);
        return new Pair<>(g, mgr.leverageTo(ArrayType.ACTIVATION_GRAD, eps));
    }

    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        var s = PReLUBlock.split(paramName);
        return s == null || subs.get(s.getKey()).updaterDivideByMinibatch(s.getValue());
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public boolean hasBias() {
        return false;
    }

    @Override
    public void clear() {
        super.clear();
        for (Layer l : subs) l.clear();
        java.util.Arrays.fill(preActivation, null);
    }
}
