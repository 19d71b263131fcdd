package org.pnnlab.layers.dl4j;

import java.util.Arrays;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.PnnException;

/**
 * Runtime of {@link PerturbationCore}, with ND4J ops and no per-call graph: the noise is added by one
 * broadcasting {@code add} ({@code [N, C, 1, HW] + [1, Cn, M, HW]}), the 1x1 combination is libnd4j's
 * {@code conv2d} when M = 1 and a batched matrix product over the samples and groups ({@code [N*C, k, M] x
 * [N*C, M, HW]}, k = O/C, the weights repeated per sample) when M &gt; 1: it works on the activations' own layout,
 * where the earlier [C, k, M] x [C, M, N*HW] product needed permuted copies of the perturbed maps (lenet, M = 8,
 * 64x64x14x14, fastest of 10 on a shared 2-core machine: forward 65 -&gt; 19 ms, backward 185 -&gt; 28 ms). The
 * backward pass recomputes the perturbed maps from the input instead of keeping them (they are M times the
 * input's size).
 */
public class PerturbationCoreLayer extends BaseLayer<PerturbationCore> {

    public PerturbationCoreLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private INDArray checkedInput() {
        PerturbationCore c = layerConf();
        INDArray x = input.castTo(dataType);
        if (x.rank() != 4 || x.size(1) != c.getNIn() || x.size(2) != c.getHeight() || x.size(3) != c.getWidth()) {
            throw new PnnException("perturbation layer '" + c.getLayerName() + "' was built for inputs of shape [N, "
                    + c.getNIn() + ", " + c.getHeight() + ", " + c.getWidth() + "] (its noise masks have that size) but got "
                    + Arrays.toString(x.shape()));
        }
        return x;
    }

    /** x + level*noise, broadcast: [N, C, H, W] when M = 1, [N, C, M, H*W] otherwise (c order). */
    private INDArray perturbed(INDArray x) {
        PerturbationCore c = layerConf();
        long n = x.size(0), ch = c.getNIn(), m = c.getNmasks(), hw = c.getHeight() * c.getWidth();
        INDArray noise = getParam(PerturbationCore.NOISE).mul(c.getLevel()).reshape(1, c.noiseChannels(), m, hw);
        INDArray z = Nd4j.createUninitialized(dataType, n, ch, m, hw);
        Nd4j.exec(DynamicCustomOp.builder("add").addInputs(x.reshape(n, ch, 1, hw), noise).addOutputs(z).build());
        return m == 1 ? z.reshape(n, ch, c.getHeight(), c.getWidth()) : z;
    }

    private IActivation act;
    private INDArray randomActivated; // the activated maps of the last training forward when the act is random

    /** Uses a slope shared with other layers (prelu) instead of the configured activation. */
    void shareActivation(IActivation shared) {
        this.act = shared;
    }

    private IActivation act() {
        if (act == null) {
            String name = layerConf().getActivation();
            if (name.equals("prelu")) {
                throw new PnnException("perturbation layer '" + layerConf().getLayerName() + "': act=prelu has a "
                        + "learnable slope shared by the whole slot; build the slot with the perturbation plugin");
            }
            act = Activations.dl4j(name);
        }
        return act;
    }

    /**
     * The groups' weights repeated for every sample, as [N*C, k, M]: with it the grouped 1x1 convolution is one
     * batched matrix product per (sample, group) on the activations' own layout ([N*C, M, HW] in, [N*C, k, HW]
     * out), without permuted copies of the M-times-larger perturbed maps.
     */
    private INDArray perSampleWeights(INDArray w, long n) {
        PerturbationCore c = layerConf();
        long ch = c.getNIn(), km = c.getNOut() / ch * c.getNmasks();
        return w.reshape('c', 1, ch * km).repeat(0, n).reshape('c', n * ch, c.getNOut() / ch, c.getNmasks());
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        PerturbationCore c = layerConf();
        INDArray x = checkedInput();
        long n = x.size(0), ch = c.getNIn(), m = c.getNmasks(), o = c.getNOut(), hw = c.getHeight() * c.getWidth();
        INDArray z = perturbed(x);
        randomActivated = null;
        if (c.isUseAct()) {
            act().getActivation(z, training);
            if (training && act() instanceof RReLU) randomActivated = z.detach();
        }
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[]{n, o, c.getHeight(), c.getWidth()}, 'c');
        INDArray w = getParam(PerturbationCore.WEIGHT);
        if (m == 1) {
            Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(z, w.reshape('c', o, ch, 1, 1), getParam(PerturbationCore.BIAS))
                    .addOutputs(out).addIntegerArguments(1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1).build());
        } else {
            long k = o / ch;
            Nd4j.exec(new Mmul(perSampleWeights(w, n), z.reshape('c', n * ch, m, hw), out.reshape('c', n * ch, k, hw),
                    MMulTranspose.allFalse()));
            ChannelOps.shift(out, getParam(PerturbationCore.BIAS));
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        PerturbationCore c = layerConf();
        INDArray x = checkedInput();
        long n = x.size(0), ch = c.getNIn(), m = c.getNmasks(), o = c.getNOut(), hw = c.getHeight() * c.getWidth();
        INDArray eps = epsilon.castTo(dataType);
        if (eps.ordering() != 'c' || eps.isView()) eps = eps.dup('c');
        INDArray pre = perturbed(x);
        INDArray z;
        if (!c.isUseAct()) z = pre;
        else if (act() instanceof RReLU) z = randomActivated != null ? randomActivated : act().getActivation(pre.dup('c'), false);
        else z = act().getActivation(pre.dup('c'), true);
        INDArray w = getParam(PerturbationCore.WEIGHT);
        INDArray gw = gradientViews.get(PerturbationCore.WEIGHT);
        INDArray gb = gradientViews.get(PerturbationCore.BIAS);
        INDArray dz; // dL/d(activated perturbed maps), shaped like pre
        if (m == 1) {
            dz = Nd4j.createUninitialized(dataType, pre.shape());
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                    .addInputs(z, w.reshape('c', o, ch, 1, 1), getParam(PerturbationCore.BIAS), eps)
                    .addOutputs(dz, gw.reshape('c', o, ch, 1, 1), gb)
                    .addIntegerArguments(1, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1).build());
        } else {
            long k = o / ch;
            INDArray er = eps.reshape('c', n * ch, k, hw);
            INDArray perSample = Nd4j.createUninitialized(dataType, n * ch, k, m);           // dW of each sample
            Nd4j.exec(new Mmul(er, z.reshape('c', n * ch, m, hw), perSample, MMulTranspose.builder().transposeB(true).build()));
            gw.assign(perSample.reshape('c', n, o * m).sum(0).reshape('c', o, m));
            gb.assign(ChannelOps.sum(eps));
            dz = Nd4j.createUninitialized(dataType, n, ch, m, hw);
            Nd4j.exec(new Mmul(perSampleWeights(w, n), er, dz.reshape('c', n * ch, m, hw),
                    MMulTranspose.builder().transposeA(true).build()));
        }
        INDArray dpre;
        if (!c.isUseAct()) {
            dpre = dz;
        } else if (act() instanceof ActivationReLU) {
            dpre = Nd4j.getExecutioner().exec(new Step(pre)).muli(dz);
        } else {
            dpre = act().backprop(pre, dz).getFirst();
        }
        INDArray dx = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        if (m == 1) dx.assign(dpre);
        else dx.reshape(n, ch, hw).assign(dpre.reshape(n, ch, m, hw).sum(2));
        INDArray gn = gradientViews.get(PerturbationCore.NOISE);
        if (c.isTrainMasks()) {
            INDArray perMask = c.isUniqueMasks() ? dpre.reshape(n, ch * m * hw).sum(0) : dpre.reshape(n * ch, m * hw).sum(0);
            gn.assign(perMask.reshape(gn.shape()).muli(c.getLevel()));
        } else {
            gn.assign(0); // masks are fixed: no gradient is needed or used
        }
        Gradient g = new DefaultGradient();
        g.setGradientFor(PerturbationCore.WEIGHT, gw);
        g.setGradientFor(PerturbationCore.NOISE, gn);
        g.setGradientFor(PerturbationCore.BIAS, gb);
        return new Pair<>(g, dx);
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public boolean hasBias() {
        return true;
    }
}
