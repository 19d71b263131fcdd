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
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Moments;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.api.PnnException;

/**
 * Runtime of {@link BatchNorm}. Written to make few passes over the activation: the forward pass takes the
 * batch moments in one op and applies a per-channel affine map; the backward pass needs only the two
 * per-channel sums Σg and Σg·x, because with x̂ = (x − μ)·s (s = 1/√(σ² + ε)):
 * <pre>
 *   dβ = Σg,  dγ = s·(Σg·x − μ·Σg)
 *   dx = γs·g                                   (evaluation: fixed statistics)
 *   dx = γs·(g − x·(s·dγ/m) − (dβ/m − μ·s·dγ/m))  (training: batch statistics, m values per channel)
 * </pre>
 */
public class BatchNormLayer extends BaseLayer<BatchNorm> {
    // per-channel vectors kept (outside any workspace) from the forward to the backward pass
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
        INDArray gamma = gamma();
        INDArray beta = conf.isAffine() ? getParam(BatchNorm.BETA) : Nd4j.zeros(dataType, conf.getNOut());
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
            INDArray[] mv = Nd4j.exec(new Moments(x, dims)); // mean and biased variance
            mean = mv[0].reshape(x.size(1)).detach();
            var = mv[1].reshape(x.size(1)).detach();
            double mom = conf.getMomentum();
            runMean.muli(1 - mom).addi(mean.mul(mom));
            runVar.muli(1 - mom).addi(var.mul(mom * count / (count - 1.0)));
        } else {
            mean = runMean.dup().detach();
            var = runVar.dup().detach();
        }
        INDArray invStd = Transforms.pow(var.addi(conf.getEps()), -0.5, false);
        INDArray scale = gamma.mul(invStd).detach();
        INDArray shift = beta.sub(mean.mul(scale)).detach();
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(), 'c');
        ChannelOps.affine(x, scale, shift, out);
        cachedMean = mean;
        cachedInvStd = invStd.detach();
        cachedScale = scale;
        cachedShift = shift;
        cachedTraining = training;
        if (!(conf.getActivationFn() instanceof ActivationIdentity)) conf.getActivationFn().getActivation(out, training);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        BatchNorm conf = layerConf();
        INDArray x = input.castTo(dataType);
        INDArray g = epsilon;
        if (conf.getActivationFn() instanceof ActivationReLU) {
            // relu'(pre) * eps as a 0/1 mask times eps: two cheap passes instead of relu_bp
            INDArray pre = ChannelOps.affine(x, cachedScale, cachedShift, Nd4j.createUninitialized(dataType, x.shape(), 'c'));
            g = Nd4j.getExecutioner().exec(new Step(pre)).muli(epsilon);
        } else if (!(conf.getActivationFn() instanceof ActivationIdentity)) {
            INDArray pre = ChannelOps.affine(x, cachedScale, cachedShift, Nd4j.createUninitialized(dataType, x.shape(), 'c'));
            g = conf.getActivationFn().backprop(pre, epsilon).getFirst();
        }
        INDArray sumG = ChannelOps.sum(g);
        INDArray sumGX = ChannelOps.dot(g, x);
        INDArray dBeta = sumG;
        INDArray dGamma = sumGX.sub(cachedMean.mul(sumG)).muli(cachedInvStd);
        INDArray coef = gamma().mul(cachedInvStd);

        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        if (cachedTraining) {
            double m = x.length() / (double) x.size(1);
            INDArray b = cachedInvStd.mul(dGamma).divi(m);
            INDArray d = dBeta.div(m).subi(cachedMean.mul(b));
            ChannelOps.affine(x, b, d, dx); // dx = x*b + d
            dx.rsubi(g);                    // dx = g - x*b - d
            ChannelOps.scale(dx, coef, dx);
        } else {
            ChannelOps.scale(g, coef, dx);
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
    }

    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return !(BatchNorm.MEAN.equals(paramName) || BatchNorm.VAR.equals(paramName));
    }
}
