package org.pnnlab.layers.dl4j;

import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.layers.samediff.SDLayerParams;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.PnnException;

/**
 * A 2D convolution (NCHW, no groups, dilation 1) computed by libnd4j's {@code conv2d} through SameDiff,
 * which uses oneDNN on the oneDNN builds; DL4J's own {@code ConvolutionLayer} does not (see the design
 * notes). The weight is stored in PyTorch's layout {@code [out, in, kH, kW]} and permuted inside the graph.
 * Initialisation: weight ~ N(0, weightStd^2); bias ~ U(-1/sqrt(fanIn), 1/sqrt(fanIn)), fanIn = in*kH*kW.
 */
public class SdConv2d extends GradFixSameDiffLayer {
    public static final String WEIGHT = "W";
    public static final String BIAS = "b";

    private long nIn;
    private long nOut;
    private int kernel;
    private int stride = 1;
    private int padding;
    private boolean hasBias;
    private double weightStd;

    /** For JSON deserialisation. */
    public SdConv2d() {
    }

    /**
     * @param weightStd standard deviation of the normal weight initialisation; use a value &lt;= 0 for
     *     He initialisation over the outputs, sqrt(2 / (k*k*out)), as the perturbation-network code does
     */
    public static SdConv2d of(long nIn, long nOut, int kernel, int stride, int padding, boolean hasBias,
                              double weightStd) {
        if (kernel < 1 || stride < 1 || padding < 0) {
            throw new PnnException("convolution: kernel (" + kernel + ") and stride (" + stride
                    + ") must be >= 1 and padding (" + padding + ") >= 0");
        }
        SdConv2d c = new SdConv2d();
        c.nIn = nIn;
        c.nOut = nOut;
        c.kernel = kernel;
        c.stride = stride;
        c.padding = padding;
        c.hasBias = hasBias;
        c.weightStd = weightStd > 0 ? weightStd : Math.sqrt(2.0 / (kernel * kernel * (double) nOut));
        return c;
    }

    @Override
    public SDVariable defineLayer(SameDiff sd, SDVariable input, Map<String, SDVariable> params, SDVariable mask) {
        SDVariable w = params.get(WEIGHT).permute(2, 3, 1, 0); // [kH, kW, in, out]
        Conv2DConfig cfg = Conv2DConfig.builder().kH(kernel).kW(kernel).sH(stride).sW(stride).pH(padding)
                .pW(padding).dH(1).dW(1).paddingMode(org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode.VALID).dataFormat("NCHW").build();
        if (hasBias) {
            return sd.cnn().conv2d(input, w, params.get(BIAS), cfg);
        }
        return sd.cnn().conv2d(input, w, cfg);
    }

    @Override
    public void defineParameters(SDLayerParams params) {
        params.addWeightParam(WEIGHT, nOut, nIn, kernel, kernel);
        if (hasBias) params.addBiasParam(BIAS, nOut);
    }

    @Override
    public void initializeParameters(Map<String, INDArray> params) {
        INDArray w = params.get(WEIGHT);
        w.assign(Nd4j.randn(w.dataType(), w.shape()).muli(weightStd));
        if (hasBias) {
            double bound = 1.0 / Math.sqrt((double) nIn * kernel * kernel);
            INDArray b = params.get(BIAS);
            b.assign(Nd4j.rand(b.dataType(), b.shape()).muli(2 * bound).subi(bound));
        }
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
        if (nIn <= 0 || override) nIn = in.getChannels();
        else if (nIn != in.getChannels()) {
            throw new PnnException("convolution " + getLayerName() + " expects " + nIn + " input channels but gets "
                    + in.getChannels());
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
    }

    public long getNIn() { return nIn; }
    public void setNIn(long nIn) { this.nIn = nIn; }
    public long getNOut() { return nOut; }
    public void setNOut(long nOut) { this.nOut = nOut; }
    public int getKernel() { return kernel; }
    public void setKernel(int kernel) { this.kernel = kernel; }
    public int getStride() { return stride; }
    public void setStride(int stride) { this.stride = stride; }
    public int getPadding() { return padding; }
    public void setPadding(int padding) { this.padding = padding; }
    public boolean isHasBias() { return hasBias; }
    public void setHasBias(boolean hasBias) { this.hasBias = hasBias; }
    public double getWeightStd() { return weightStd; }
    public void setWeightStd(double weightStd) { this.weightStd = weightStd; }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof SdConv2d c) || !super.equals(o)) return false;
        return nIn == c.nIn && nOut == c.nOut && kernel == c.kernel && stride == c.stride && padding == c.padding
                && hasBias == c.hasBias && Double.compare(weightStd, c.weightStd) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), nIn, nOut, kernel, stride, padding, hasBias, weightStd);
    }
}
