package org.pnnlab.layers.dl4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.PnnException;

/**
 * The configuration every square 2-D convolution here shares (NCHW, no groups, dilation 1): input and output
 * channels, kernel size k, stride, zero padding, an optional bias, the weight {@code W [out, in, k, k]} in
 * PyTorch's layout and the bias {@code b [out]}. It answers the input checks, the output size of an ordinary
 * convolution, the memory report and the libnd4j op arguments; subclasses add their own settings and parameters
 * and override what their layer computes differently ({@link ConvNorm}'s output size, for one).
 */
public abstract class SquareConvolution extends FlatParamsLayer {
    public static final String WEIGHT = "W";
    public static final String BIAS = "b";

    private int kernel = 3;
    private int stride = 1;
    private int padding;
    private boolean hasBias;

    /**
     * Sets the layer's name, channels, geometry and bias, with the identity as activation; a kernel or stride
     * below 1 or a negative padding is an error.
     */
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

    /** How error messages name this layer: its kind and name. */
    protected String describe() {
        return "convolution " + getLayerName();
    }

    /** Length of a kernel row, the fan-in of an output: in·k·k. */
    public long rowLength() {
        return getNIn() * kernel * kernel;
    }

    /** The shapes of W {@code [out, in, k, k]} and, with a bias, b {@code [out]}, in storage order (a new map). */
    protected Map<String, long[]> weightAndBiasShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put(WEIGHT, new long[]{getNOut(), getNIn(), kernel, kernel});
        if (hasBias) m.put(BIAS, new long[]{getNOut()});
        return m;
    }

    /** Fills {@code a} with draws from U(−bound, bound). */
    static void fillUniform(INDArray a, double bound) {
        a.assign(Nd4j.rand(a.dataType(), a.shape()).muli(2 * bound).subi(bound));
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional in = ConvShapes.requireCnn(inputType, describe());
        long h = ConvShapes.outSize(in.getHeight(), kernel, stride, padding, getLayerName());
        long w = ConvShapes.outSize(in.getWidth(), kernel, stride, padding, getLayerName());
        return InputType.convolutional(h, w, nOut);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        InputType.InputTypeConvolutional in = ConvShapes.requireCnn(inputType, describe());
        if (nIn <= 0 || override) {
            nIn = in.getChannels();
        } else if (nIn != in.getChannels()) {
            throw new PnnException(describe() + " expects " + nIn + " input channels but gets " + in.getChannels());
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

    /** libnd4j integer arguments: kH kW sH sW pH pW dH dW paddingMode(0 = explicit) NCHW(0) weights OIYX(1). */
    int[] opArgs() {
        return new int[]{kernel, kernel, stride, stride, padding, padding, 1, 1, 0, 0, 1};
    }

    public int getKernel() { return kernel; }
    public void setKernel(int kernel) { this.kernel = kernel; }
    public int getStride() { return stride; }
    public void setStride(int stride) { this.stride = stride; }
    public int getPadding() { return padding; }
    public void setPadding(int padding) { this.padding = padding; }
    public boolean isHasBias() { return hasBias; }
    public void setHasBias(boolean hasBias) { this.hasBias = hasBias; }

    /** Equal settings of the same class (DL4J's generated equality alone would let two kinds of convolution match). */
    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof SquareConvolution c) || !super.equals(o) || c.getClass() != getClass()) return false;
        return kernel == c.kernel && stride == c.stride && padding == c.padding && hasBias == c.hasBias;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), kernel, stride, padding, hasBias);
    }
}
