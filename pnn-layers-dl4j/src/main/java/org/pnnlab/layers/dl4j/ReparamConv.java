package org.pnnlab.layers.dl4j;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.pnnlab.api.ParamKind;
import org.pnnlab.api.ParamKinds;

/**
 * A square 2-D convolution (NCHW, no groups, dilation 1) whose applied kernel is a function of its stored weight
 * {@code W [out, in, k, k]} (PyTorch's layout) and of further parameters of the subclass: spectral normalisation
 * ({@link SpectralNormConv}), orthogonalisation by Newton iteration ({@link OniConv}). The runtime
 * ({@link ReparamConvLayer}) runs libnd4j's {@code conv2d}/{@code conv2d_bp} with the applied kernel and hands the
 * kernel's gradient to the subclass. Initialisation of W and the optional bias b: PyTorch's default, U(±1/√(in·k·k)).
 *
 * <p>Parameters the subclass marks {@link ParamKind#STATISTIC} are state, not trained: no regularisation, a
 * {@link NoOp} updater and a gradient that is always zero, so the optimiser never moves them, and the forward
 * pass sets them in place.
 */
public abstract class ReparamConv extends SquareConvolution implements ParamKinds {
    /** The parameters after W and b, in storage order, with their shapes. */
    protected abstract Map<String, long[]> extraShapes();

    /** Fills freshly created extra parameters. */
    protected abstract void initializeExtra(Map<String, INDArray> params);

    @Override
    protected abstract ReparamConvLayer<?> runtime(NeuralNetConfiguration conf, DataType dataType);

    @Override
    public ParamKind kindOf(String paramName) {
        return ParamKind.TRAINABLE;
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return kindOf(paramName) == ParamKind.TRAINABLE ? super.getRegularizationByParam(paramName) : List.of();
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        // state set by the forward pass: its gradient is always zero and NoOp leaves it there
        return kindOf(paramName) == ParamKind.TRAINABLE ? super.getUpdaterByParam(paramName) : new NoOp();
    }

    @Override
    public ParamInitializer initializer() {
        return Params.INSTANCE;
    }

    /** Parameter layout: W [out, in, k, k], b [out] when present, then the subclass's parameters. */
    static final class Params extends FlatParams<ReparamConv> {
        static final Params INSTANCE = new Params();

        private Params() {
            super(ReparamConv.class, List.of(BIAS));
        }

        @Override
        protected Map<String, long[]> shapes(ReparamConv c) {
            Map<String, long[]> m = c.weightAndBiasShapes();
            m.putAll(c.extraShapes());
            return m;
        }

        @Override
        protected boolean isWeight(ReparamConv c, String key) {
            return shapes(c).containsKey(key) && !isBias(c, key) && c.kindOf(key) == ParamKind.TRAINABLE;
        }

        @Override
        protected void initialize(ReparamConv c, Map<String, INDArray> m) {
            double bound = 1.0 / Math.sqrt((double) c.rowLength());
            fillUniform(m.get(WEIGHT), bound);
            if (c.isHasBias()) fillUniform(m.get(BIAS), bound);
            c.initializeExtra(m);
        }
    }
}
