package org.pnnlab.layers.dl4j;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.capability.ChannelScale;

/**
 * Runtime of {@link BatchNorm}. Training mode works on the centred input xc = x − μ (kept from the forward to the
 * backward pass), never on x itself, so nothing cancels when a channel's mean is large against its spread: with
 * s = 1/√(σ² + ε), x̂ = xc·s and m values per channel,
 * <pre>
 *   μ = Σx/m,  σ² = Σxc²/m,  y = act(xc·γs + β)   (xc corrected for the rounding residue of μ, see below)
 *   dβ = Σg,   dγ = s·Σg·xc  (= Σg·x̂)
 *   dx = γs·(g − Σg/m − x̂·Σg·x̂/m) = γs·g + xc·(−γs³·Σg·xc/m) − γs·Σg/m  (training: batch statistics)
 *   dx = γs·g                                                              (evaluation: fixed statistics)
 * </pre>
 * where g is the gradient at the pre-activation. ReLU's derivative comes from the layer's own output (the next
 * layers only read it): a 0/1 step mask times the incoming gradient. Passes over the activation: forward sum, centre,
 * Σxc², scale, shift, activation; backward relu', Σg, Σg·xc, and four for dx.
 */
public class BatchNormLayer extends BaseLayer<BatchNorm> implements ChannelScale {
    // per-channel vectors kept from the forward to the backward pass, in the layer's own reused buffers
    private static final int MEAN = 0;
    private static final int INV_STD = 1;
    private static final int SCALE = 2;
    private static final int SHIFT = 3;
    private static final int OFFSET = 4;
    private final KeptVectors kept = new KeptVectors(5);
    private @Nullable INDArray cachedMean;    // the mean that normalised (batch or running)
    private @Nullable INDArray cachedInvStd;
    private @Nullable INDArray cachedScale;
    private @Nullable INDArray cachedShift;
    private @Nullable INDArray cachedCentred; // x − μ, training mode only
    private @Nullable INDArray cachedOffset;  // r = Σ(x − μ)/m, the rounding residue of μ
    private @Nullable INDArray cachedOut;     // the activation's output (ReLU's derivative reads it)
    private boolean cachedTraining;

    public BatchNormLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        BatchNorm conf = layerConf();
        INDArray x = input.castTo(dataType);
        if (x.rank() != 2 && x.rank() != 4) {
            throw new PnnException("batch norm takes [N, C] or [N, C, H, W] input, got rank " + x.rank());
        }
        if (x.size(1) != conf.getNOut()) {
            throw new PnnException("batch norm '" + conf.getLayerName() + "' has " + conf.getNOut()
                    + " channels but got input " + java.util.Arrays.toString(x.shape()));
        }
        INDArray gamma = gamma();
        INDArray beta = conf.isAffine() ? getParam(BatchNorm.BETA) : Nd4j.zeros(dataType, conf.getNOut());
        INDArray runMean = getParam(BatchNorm.MEAN);
        INDArray runVar = getParam(BatchNorm.VAR);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(), 'c');
        INDArray invStd;
        INDArray scale;
        INDArray shift;
        if (training) {
            long count = x.length() / x.size(1);
            if (count < 2) {
                throw new PnnException("batch norm '" + conf.getLayerName() + "' needs more than one value per "
                        + "channel in training (got input " + java.util.Arrays.toString(x.shape())
                        + "); use a batch size of at least 2");
            }
            INDArray mean = ChannelOps.sum(x).divi(count);
            INDArray xc = workspaceMgr.createUninitialized(ArrayType.INPUT, dataType, x.shape(), 'c');
            ChannelOps.minus(x, mean, xc); // exact where x is near μ (Sterbenz)
            // the rounding of Σx leaves xc off-centre by r = Σxc/m; it is corrected in every formula that
            // uses xc (var, the shift of y, dx), not by another pass over xc
            INDArray r = ChannelOps.sum(xc).divi(count);
            mean.addi(r);
            // biased variance from the centred values: Σ(xc − r)² / m = Σxc²/m − r²
            INDArray var = ChannelOps.dot(xc, xc).divi(count).subi(r.mul(r));
            double mom = conf.getMomentum();
            runMean.muli(1 - mom).addi(mean.mul(mom));
            runVar.muli(1 - mom).addi(var.mul(mom * count / (count - 1.0)));
            invStd = kept.keep(INV_STD, Transforms.pow(var.addi(conf.getEps()), -0.5, false));
            scale = kept.keep(SCALE, gamma.mul(invStd));
            shift = kept.keep(SHIFT, beta.sub(r.mul(scale))); // y = (xc − r)·γs + β
            ChannelOps.times(xc, scale, out);
            ChannelOps.shift(out, shift);
            cachedCentred = xc;
            cachedOffset = kept.keep(OFFSET, r);
            cachedMean = kept.keep(MEAN, mean);
        } else {
            invStd = kept.keep(INV_STD, Transforms.pow(runVar.add(conf.getEps()), -0.5, false));
            scale = kept.keep(SCALE, gamma.mul(invStd));
            shift = kept.keep(SHIFT, beta.sub(runMean.mul(scale)));
            ChannelOps.affine(x, scale, shift, out);
            cachedCentred = null;
            cachedMean = kept.keep(MEAN, runMean);
        }
        cachedInvStd = invStd;
        cachedScale = scale;
        cachedShift = shift;
        cachedTraining = training;
        if (!(conf.getActivationFn() instanceof ActivationIdentity)) conf.getActivationFn().getActivation(out, training);
        cachedOut = out;
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        BatchNorm conf = layerConf();
        INDArray invStd = java.util.Objects.requireNonNull(cachedInvStd, "backprop before a forward pass");
        INDArray xc = cachedCentred;
        INDArray x = input.castTo(dataType);
        INDArray g = epsilon.castTo(dataType);
        if (conf.getActivationFn() instanceof ActivationReLU) {
            // 0/1 mask from the output, times g: two cheap passes (libnd4j's relu_bp takes 3x as long)
            INDArray gp = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, x.shape(), 'c');
            Nd4j.getExecutioner().exec(new Step(java.util.Objects.requireNonNull(cachedOut), gp));
            g = gp.muli(g);
        } else if (!(conf.getActivationFn() instanceof ActivationIdentity)) {
            INDArray pre = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, x.shape(), 'c');
            if (xc != null) ChannelOps.shift(ChannelOps.times(xc, cachedScale, pre), cachedShift); // shift has −r·γs
            else ChannelOps.affine(x, cachedScale, cachedShift, pre);
            g = conf.getActivationFn().backprop(pre, g).getFirst();
        }
        INDArray coef = gamma().mul(invStd);
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        INDArray dBeta = ChannelOps.sum(g);
        INDArray dGamma;
        if (cachedTraining && xc != null) {
            double m = x.length() / (double) x.size(1);
            INDArray r = java.util.Objects.requireNonNull(cachedOffset);
            INDArray sumGXc = ChannelOps.dot(g, xc).subi(r.mul(dBeta)); // Σg·(xc − r)
            dGamma = sumGXc.mul(invStd);
            // dx = γs·g + (xc − r)·b − γs·Σg/m with b = −γs³·Σg·xc/m
            INDArray b = coef.mul(invStd).muli(invStd).muli(sumGXc).divi(-m);
            INDArray d = coef.mul(dBeta).divi(-m).subi(r.mul(b));
            ChannelOps.times(xc, b, dx);
            ChannelOps.shift(dx, d);
            if (g == epsilon) {
                INDArray t = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, x.shape(), 'c');
                dx.addi(ChannelOps.times(g, coef, t));
            } else {
                dx.addi(ChannelOps.scale(g, coef, g));
            }
        } else {
            // evaluation statistics: dγ = s·Σg·(x − running mean)
            INDArray xe = workspaceMgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, x.shape(), 'c');
            dGamma = ChannelOps.dot(g, ChannelOps.minus(x, java.util.Objects.requireNonNull(cachedMean), xe)).muli(invStd);
            ChannelOps.times(g, coef, dx);
        }

        Gradient grad = new DefaultGradient();
        if (conf.isAffine()) {
            INDArray gv = gradientViews.get(BatchNorm.GAMMA);
            INDArray bv = gradientViews.get(BatchNorm.BETA);
            gv.assign(dGamma);
            bv.assign(dBeta);
            grad.setGradientFor(BatchNorm.GAMMA, gv);
            grad.setGradientFor(BatchNorm.BETA, bv);
        }
        gradientViews.get(BatchNorm.MEAN).assign(0);
        gradientViews.get(BatchNorm.VAR).assign(0);
        grad.setGradientFor(BatchNorm.MEAN, gradientViews.get(BatchNorm.MEAN));
        grad.setGradientFor(BatchNorm.VAR, gradientViews.get(BatchNorm.VAR));
        return new Pair<>(grad, dx);
    }

    /** γ/√(running variance + ε): the per-channel factor of evaluation mode. */
    @Override
    public INDArray inferenceScale() {
        return gamma().mul(Transforms.pow(getParam(BatchNorm.VAR).add(layerConf().getEps()), -0.5, false));
    }

    private INDArray gamma() {
        return layerConf().isAffine() ? getParam(BatchNorm.GAMMA) : Nd4j.ones(dataType, layerConf().getNOut());
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
        cachedMean = null;
        cachedInvStd = null;
        cachedScale = null;
        cachedShift = null;
        cachedCentred = null;
        cachedOffset = null;
        cachedOut = null;
    }

    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return !(BatchNorm.MEAN.equals(paramName) || BatchNorm.VAR.equals(paramName));
    }
}
