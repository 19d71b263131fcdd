package org.pnnlab.layers.dl4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.pnnlab.api.ParamKind;
import org.pnnlab.api.ParamKinds;
import org.pnnlab.api.PnnException;

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
public abstract class ReparamConv extends FeedForwardLayer implements ParamKinds {
    public static final String WEIGHT = "W";
    public static final String BIAS = "b";

    private int kernel = 3;
    private int stride = 1;
    private int padding;
    private boolean hasBias;

    protected void configure(String name, long nIn, long nOut, int kernel, int stride, int padding, boolean hasBias) {
        if (kernel < 1 || stride < 1 || padding < 0) {
            throw new PnnException("convolution " + name + ": kernel (" + kernel + ") and stride (" + stride
                    + ") must be >= 1 and padding (" + padding + ") >= 0");
        }
        setLayerName(name);
        setNIn(nIn);
        setNOut(nOut);
        setActivationFn(new ActivationIdentity());
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
        this.hasBias = hasBias;
    }

    /** The parameters after W and b, in storage order, with their shapes. */
    protected abstract Map<String, long[]> extraShapes();

    /** Fills freshly created extra parameters. */
    protected abstract void initializeExtra(Map<String, INDArray> params);

    /** Length of a kernel row: in·k·k. */
    public long rowLength() {
        return getNIn() * kernel * kernel;
    }

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

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional in = ConvShapes.requireCnn(inputType, "convolution " + getLayerName());
        long h = ConvShapes.outSize(in.getHeight(), kernel, stride, padding, getLayerName());
        long w = ConvShapes.outSize(in.getWidth(), kernel, stride, padding, getLayerName());
        return InputType.convolutional(h, w, nOut);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        InputType.InputTypeConvolutional in = ConvShapes.requireCnn(inputType, "convolution " + getLayerName());
        if (nIn <= 0 || override) {
            nIn = in.getChannels();
        } else if (nIn != in.getChannels()) {
            throw new PnnException("convolution " + getLayerName() + " expects " + nIn + " input channels but gets "
                    + in.getChannels());
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        return new LayerMemoryReport.Builder(layerName, getClass(), inputType, out)
                .standardMemory(initializer().numParams(this), 0)
                .workingMemory(0, 0, 0, out.arrayElementsPerExample()).cacheMemory(0, 0).build();
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    int[] opArgs() {
        return Conv2d.opArgs(kernel, stride, padding);
    }

    public int getKernel() { return kernel; }
    public void setKernel(int kernel) { this.kernel = kernel; }
    public int getStride() { return stride; }
    public void setStride(int stride) { this.stride = stride; }
    public int getPadding() { return padding; }
    public void setPadding(int padding) { this.padding = padding; }
    public boolean isHasBias() { return hasBias; }
    public void setHasBias(boolean hasBias) { this.hasBias = hasBias; }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof ReparamConv c) || !super.equals(o) || c.getClass() != getClass()) return false;
        return kernel == c.kernel && stride == c.stride && padding == c.padding && hasBias == c.hasBias;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), kernel, stride, padding, hasBias);
    }

    /** Parameter layout: W [out, in, k, k], b [out] when present, then the subclass's parameters. */
    static final class Params extends FlatParams<ReparamConv> {
        static final Params INSTANCE = new Params();

        private Params() {
            super(ReparamConv.class, List.of(BIAS));
        }

        @Override
        protected Map<String, long[]> shapes(ReparamConv c) {
            Map<String, long[]> m = new LinkedHashMap<>();
            m.put(WEIGHT, new long[]{c.getNOut(), c.getNIn(), c.kernel, c.kernel});
            if (c.hasBias) m.put(BIAS, new long[]{c.getNOut()});
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
            uniform(m.get(WEIGHT), bound);
            if (c.hasBias) uniform(m.get(BIAS), bound);
            c.initializeExtra(m);
        }

        private static void uniform(INDArray a, double bound) {
            a.assign(Nd4j.rand(a.dataType(), a.shape()).muli(2 * bound).subi(bound));
        }
    }
}
