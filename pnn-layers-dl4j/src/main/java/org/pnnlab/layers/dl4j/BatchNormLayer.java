package org.pnnlab.layers.dl4j;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.api.PnnException;

/** Runtime of {@link BatchNorm}. */
public class BatchNormLayer extends BaseLayer<BatchNorm> {
    // per-channel vectors kept (detached from workspaces) between the forward and the backward pass
    private INDArray cachedMean;
    private INDArray cachedInvStd;
    private INDArray cachedScale;
    private INDArray cachedShift;
    private boolean cachedTraining;

    public BatchNormLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private static int[] reduceDims(INDArray x) {
        return switch (x.rank()) {
            case 2 -> new int[]{0};
            case 4 -> new int[]{0, 2, 3};
            default -> throw new PnnException("batch norm takes [N, C] or [N, C, H, W] input, got rank " + x.rank());
        };
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        BatchNorm conf = layerConf();
        INDArray x = input.castTo(dataType);
        if (x.size(1) != conf.getNOut()) {
            throw new PnnException("batch norm '" + conf.getLayerName() + "' has " + conf.getNOut()
                    + " channels but got input " + java.util.Arrays.toString(x.shape()));
        }
        int[] dims = reduceDims(x);
        INDArray gamma = getParam(BatchNorm.GAMMA);
        INDArray beta = getParam(BatchNorm.BETA);
        INDArray runMean = getParam(BatchNorm.MEAN);
        INDArray runVar = getParam(BatchNorm.VAR);
        INDArray mean;
        INDArray var;
        if (training) {
            long count = x.length() / x.size(1);
            if (count < 2) {
                throw new PnnException("batch norm '" + conf.getLayerName() + "' needs more than one value per "
                        + "channel in training (got input " + java.util.Arrays.toString(x.shape())
                        + "); use a batch size of at least 2");
            }
            mean = x.mean(dims);
            var = x.var(false, dims);
            double mom = conf.getMomentum();
            runMean.muli(1 - mom).addi(mean.mul(mom));
            runVar.muli(1 - mom).addi(var.mul(mom * count / (count - 1.0)));
        } else {
            mean = runMean.dup();
            var = runVar.dup();
        }
        INDArray invStd = Transforms.pow(var.addi(conf.getEps()), -0.5, false);
        INDArray scale = gamma.mul(invStd);
        INDArray shift = beta.sub(mean.mul(scale));
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(), 'c');
        affine(x, scale, shift, out);
        cachedMean = mean.detach();
        cachedInvStd = invStd.detach();
        cachedScale = scale.detach();
        cachedShift = shift.detach();
        cachedTraining = training;
        if (!(conf.getActivationFn() instanceof ActivationIdentity)) conf.getActivationFn().getActivation(out, training);
        return out;
    }

    /** out = x * scale + shift, per channel (dimension 1). */
    private static void affine(INDArray x, INDArray scale, INDArray shift, INDArray out) {
        if (x.rank() == 4) {
            Nd4j.getExecutioner().exec(new BroadcastMulOp(x, scale, out, 1));
            Nd4j.getExecutioner().exec(new BroadcastAddOp(out, shift, out, 1));
        } else {
            out.assign(x.mulRowVector(scale).addiRowVector(shift));
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        BatchNorm conf = layerConf();
        INDArray x = input.castTo(dataType);
        INDArray g = epsilon;
        if (!(conf.getActivationFn() instanceof ActivationIdentity)) {
            INDArray pre = Nd4j.createUninitialized(dataType, x.shape(), 'c');
            affine(x, cachedScale, cachedShift, pre);
            g = conf.getActivationFn().backprop(pre, epsilon).getFirst();
        }
        int[] dims = reduceDims(x);
        INDArray gamma = getParam(BatchNorm.GAMMA);
        boolean cnn = x.rank() == 4;

        INDArray xhat = Nd4j.createUninitialized(dataType, x.shape(), 'c');
        if (cnn) {
            Nd4j.getExecutioner().exec(new BroadcastSubOp(x, cachedMean, xhat, 1));
            Nd4j.getExecutioner().exec(new BroadcastMulOp(xhat, cachedInvStd, xhat, 1));
        } else {
            xhat.assign(x.subRowVector(cachedMean).muliRowVector(cachedInvStd));
        }
        INDArray dBeta = g.sum(dims);
        INDArray dGamma = g.mul(xhat).sum(dims);

        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        INDArray coef = gamma.mul(cachedInvStd); // [C]
        if (cachedTraining) {
            // dx = gamma*invStd/m * (m*g - sum(g) - xhat*sum(g*xhat))
            double m = x.length() / (double) x.size(1);
            if (cnn) {
                Nd4j.getExecutioner().exec(new BroadcastMulOp(xhat, dGamma.div(m), xhat, 1));
                Nd4j.getExecutioner().exec(new BroadcastAddOp(xhat, dBeta.div(m), xhat, 1));
                dx.assign(g).subi(xhat);
                Nd4j.getExecutioner().exec(new BroadcastMulOp(dx, coef, dx, 1));
            } else {
                xhat.muliRowVector(dGamma.div(m)).addiRowVector(dBeta.div(m));
                dx.assign(g).subi(xhat).muliRowVector(coef);
            }
        } else {
            if (cnn) {
                Nd4j.getExecutioner().exec(new BroadcastMulOp(g, coef, dx, 1));
            } else {
                dx.assign(g.mulRowVector(coef));
            }
        }

        Gradient grad = new DefaultGradient();
        INDArray gv = gradientViews.get(BatchNorm.GAMMA);
        INDArray bv = gradientViews.get(BatchNorm.BETA);
        gv.assign(dGamma);
        bv.assign(dBeta);
        gradientViews.get(BatchNorm.MEAN).assign(0);
        gradientViews.get(BatchNorm.VAR).assign(0);
        grad.setGradientFor(BatchNorm.GAMMA, gv);
        grad.setGradientFor(BatchNorm.BETA, bv);
        grad.setGradientFor(BatchNorm.MEAN, gradientViews.get(BatchNorm.MEAN));
        grad.setGradientFor(BatchNorm.VAR, gradientViews.get(BatchNorm.VAR));
        return new Pair<>(grad, dx);
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
    }

    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return !(BatchNorm.MEAN.equals(paramName) || BatchNorm.VAR.equals(paramName));
    }
}
