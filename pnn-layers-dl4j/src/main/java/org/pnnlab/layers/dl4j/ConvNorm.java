package org.pnnlab.layers.dl4j;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.pnnlab.api.ParamKind;
import org.pnnlab.api.ParamKinds;
import org.pnnlab.api.PnnException;

/**
 * The convolution and normaliser of ConvNorm (Convolutional Normalization, NeurIPS'21), up to and including
 * the learned depthwise kernel; the batch norm that completes the layer is a {@link BatchNorm} after it.
 *
 * <p>On an input {@code [N, I, H, W]} with a k×k kernel (k &gt; 1), with {@code Hg = H + k − 1}, {@code Wg = W + k − 1}:
 * <ol>
 *   <li>y = the stride-1 convolution with zero padding k−1 ("full" convolution), {@code [N, O, Hg, Wg]};</li>
 *   <li>V[o, u, w] = (Σ_i |DFT2(W[o, i] zero-padded to Hg×Wg)|²)^−½ on the half spectrum, from the weight's
 *       current values and without a gradient, in training; the running estimate in evaluation;</li>
 *   <li>z = IDFT2(DFT2(y) ⊙ V) per map (a circular convolution with an even real kernel);</li>
 *   <li>crop k−1−p rows and columns on each side, then keep every {@code stride}-th row and column from the
 *       first: the size of an ordinary convolution with that padding and stride;</li>
 *   <li>with {@code affine}: a learned depthwise k×k convolution r (zero padding ⌊(k−1)/2⌋) plus a bias.</li>
 * </ol>
 * A 1×1 kernel has no spectrum: V[o] = (Σ_i W[o, i]²)^−½ scales each output map, and the convolution runs
 * directly at the stride.
 *
 * <p>Running estimate: every training-mode forward adds one to a stored counter c and sets
 * {@code runV ← f·V + (1 − f)·runV}, with f = {@code momentum} when it is given (≥ 0) and otherwise
 * {@code max(½(1 + cos(π·min(c, S)/S)), floor)} (S = {@code emaSteps}, 40 000, floor 0.01). The estimate and
 * the counter are stored parameters that the optimiser never changes, so a saved model keeps both and a
 * resumed run continues the schedule where it stopped. The estimate starts at zero: a layer that never ran
 * in training outputs zero maps before r's bias in evaluation, as in the reference.
 *
 * <p>Backward: V is a constant; the gradient passes r, the crop and stride (a scatter onto the grid), the
 * spectral filter (self-adjoint, so the same filter on the gradient) and the convolution.
 */
public class ConvNorm extends SquareConvolution implements ParamKinds {
    public static final String AFFINE_WEIGHT = "r";
    public static final String AFFINE_BIAS = "rb";
    public static final String RUNNING_V = "runV";
    public static final String COUNTER = "count";

    private boolean affine = true;
    private double momentum = -1;
    private boolean trackRunning = true;
    private int emaSteps = 40000;
    private double emaFloor = 0.01;
    private long height;
    private long width;

    /** For JSON deserialisation. */
    public ConvNorm() {
        setPadding(1);
    }

    /**
     * @param momentum a fixed factor for the running estimate in [0, 1], or a negative value for the cosine
     *     schedule
     * @param height input height the layer is built for (the normaliser's grid depends on it)
     * @param width input width
     */
    public static ConvNorm of(String name, long nIn, long nOut, int kernel, int stride, int padding, boolean bias,
                              boolean affine, double momentum, boolean trackRunning, int emaSteps, long height,
                              long width) {
        String what = "ConvNorm " + name;
        if (kernel < 1 || stride < 1) {
            throw new PnnException(what + ": kernel (" + kernel + ") and stride (" + stride + ") must be >= 1");
        }
        if (padding < 0 || padding > kernel - 1) {
            throw new PnnException(what + ": padding " + padding + " must be between 0 and kernel-1 = " + (kernel - 1)
                    + " (it sets the crop of the full convolution)");
        }
        if (height < kernel || width < kernel) {
            throw new PnnException(what + ": its " + height + "x" + width + " input is smaller than its " + kernel + "x"
                    + kernel + " kernel; use a smaller kernel or place the layer where the maps are at least "
                    + kernel + "x" + kernel);
        }
        if (momentum > 1 || Double.isNaN(momentum)) {
            throw new PnnException(what + ": momentum " + momentum + " must be in [0, 1] (or negative for the cosine schedule)");
        }
        if (emaSteps < 1) throw new PnnException(what + ": ema_steps must be >= 1, got " + emaSteps);
        ConvNorm c = new ConvNorm();
        c.configure(name, nIn, nOut, kernel, stride, padding, bias); // its own check passes after the ones above
        c.affine = affine;
        c.momentum = momentum;
        c.trackRunning = trackRunning;
        c.emaSteps = emaSteps;
        c.height = height;
        c.width = width;
        return c;
    }

    /** Rows (or columns) after the crop and stride: ⌊(n + 2p − k)/s⌋ + 1. */
    long croppedSize(long n) {
        return (n + 2L * getPadding() - getKernel()) / getStride() + 1;
    }

    /** Size after the affine kernel (equal to the cropped size for odd kernels). */
    long outputSize(long n) {
        long c = croppedSize(n);
        return affine ? c + 2L * ((getKernel() - 1) / 2) - getKernel() + 1 : c;
    }

    /** The grid of the normaliser: the full convolution's output, input + k − 1. */
    long gridH() {
        return getKernel() == 1 ? 1 : height + getKernel() - 1;
    }

    long gridW() {
        return getKernel() == 1 ? 1 : width + getKernel() - 1;
    }

    /** Shape of the running estimate: {@code [O, Hg, Wg/2 + 1]}, or {@code [O, 1, 1]} for a 1x1 kernel. */
    long[] runningShape() {
        return getKernel() == 1 ? new long[]{nOut, 1, 1} : new long[]{nOut, gridH(), gridW() / 2 + 1};
    }

    /** The running estimate's factor after the c-th training forward. */
    public double emaFactor(long c) {
        if (!trackRunning) return 0;
        if (momentum >= 0) return momentum;
        double t = Math.min(c, emaSteps) / (double) emaSteps;
        return Math.max(0.5 * (1 + Math.cos(Math.PI * t)), emaFloor);
    }

    @Override
    protected ConvNormLayer runtime(NeuralNetConfiguration conf, DataType dataType) {
        return new ConvNormLayer(conf, dataType);
    }

    @Override
    public ParamInitializer initializer() {
        return Params.INSTANCE;
    }

    @Override
    protected String describe() {
        return "ConvNorm " + getLayerName();
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional in = ConvShapes.requireCnn(inputType, describe());
        checkSize(in.getHeight(), in.getWidth());
        return InputType.convolutional(outputSize(height), outputSize(width), nOut);
    }

    void checkSize(long h, long w) {
        if (h != height || w != width) {
            throw new PnnException("ConvNorm " + getLayerName() + " was built for " + height + "x" + width
                    + " inputs (its running normaliser has that grid) but gets " + h + "x" + w
                    + "; build the model for this input size");
        }
    }

    @Override
    public ParamKind kindOf(String paramName) {
        return RUNNING_V.equals(paramName) || COUNTER.equals(paramName) ? ParamKind.STATISTIC : ParamKind.TRAINABLE;
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return switch (paramName) {
            case WEIGHT, AFFINE_WEIGHT -> regularization;
            case BIAS, AFFINE_BIAS -> regularizationBias;
            default -> List.of();
        };
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return switch (paramName) {
            case WEIGHT, BIAS, AFFINE_WEIGHT, AFFINE_BIAS -> iUpdater;
            case RUNNING_V, COUNTER -> new NoOp(); // set by the forward pass, never by the optimiser
            default -> throw new IllegalArgumentException("ConvNorm has no parameter " + paramName);
        };
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        return new LayerMemoryReport.Builder(layerName, ConvNorm.class, inputType, out)
                .standardMemory(initializer().numParams(this), 0)
                .workingMemory(0, 0, 0, nOut * gridH() * gridW() * 3).cacheMemory(0, out.arrayElementsPerExample())
                .build();
    }

    public boolean isAffine() { return affine; }
    public void setAffine(boolean affine) { this.affine = affine; }
    public double getMomentum() { return momentum; }
    public void setMomentum(double momentum) { this.momentum = momentum; }
    public boolean isTrackRunning() { return trackRunning; }
    public void setTrackRunning(boolean trackRunning) { this.trackRunning = trackRunning; }
    public int getEmaSteps() { return emaSteps; }
    public void setEmaSteps(int emaSteps) { this.emaSteps = emaSteps; }
    public double getEmaFloor() { return emaFloor; }
    public void setEmaFloor(double emaFloor) { this.emaFloor = emaFloor; }
    public long getHeight() { return height; }
    public void setHeight(long height) { this.height = height; }
    public long getWidth() { return width; }
    public void setWidth(long width) { this.width = width; }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof ConvNorm c) || !super.equals(o)) return false;
        return affine == c.affine && Double.compare(momentum, c.momentum) == 0 && trackRunning == c.trackRunning
                && emaSteps == c.emaSteps && Double.compare(emaFloor, c.emaFloor) == 0 && height == c.height
                && width == c.width;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), affine, momentum, trackRunning,
                emaSteps, emaFloor, height, width);
    }

    /**
     * Parameter layout: W [O, I, k, k], b [O] (with bias), r [O, 1, k, k] and rb [O] (with affine), runV (the
     * running normaliser), count [1]. Initialisation as PyTorch's defaults: W and b ~ U(±1/√(I·k·k)), r and rb
     * ~ U(±1/k) (a random kernel, not an identity).
     */
    static final class Params extends FlatParams<ConvNorm> {
        static final Params INSTANCE = new Params();

        private Params() {
            super(ConvNorm.class, List.of(WEIGHT, AFFINE_WEIGHT), List.of(BIAS, AFFINE_BIAS));
        }

        @Override
        protected Map<String, long[]> shapes(ConvNorm c) {
            Map<String, long[]> m = c.weightAndBiasShapes();
            if (c.affine) {
                m.put(AFFINE_WEIGHT, new long[]{c.getNOut(), 1, c.getKernel(), c.getKernel()});
                m.put(AFFINE_BIAS, new long[]{c.getNOut()});
            }
            m.put(RUNNING_V, c.runningShape());
            m.put(COUNTER, new long[]{1});
            return m;
        }

        @Override
        protected void initialize(ConvNorm c, Map<String, INDArray> m) {
            double bound = 1.0 / Math.sqrt((double) c.rowLength());
            fillUniform(m.get(WEIGHT), bound);
            if (c.isHasBias()) fillUniform(m.get(BIAS), bound);
            if (c.affine) {
                fillUniform(m.get(AFFINE_WEIGHT), 1.0 / c.getKernel());
                fillUniform(m.get(AFFINE_BIAS), 1.0 / c.getKernel());
            }
            m.get(RUNNING_V).assign(0);
            m.get(COUNTER).assign(0);
        }
    }
}
