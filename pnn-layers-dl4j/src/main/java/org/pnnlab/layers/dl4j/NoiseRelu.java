package org.pnnlab.layers.dl4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.api.ParamKind;
import org.pnnlab.api.ParamKinds;
import org.pnnlab.api.PnnException;

/**
 * First two steps of the original PNN authors' noise layer (spec 1.4): {@code y = relu(x + n)} with one fixed
 * mask {@code n} of shape {@code [C, H, W]} added to every sample. The mask is stored ALREADY SCALED,
 * {@code n ~ U(-level, level)} drawn once from {@code maskSeed}; it is a {@link ParamKind#FIXED} parameter
 * (saved with the model, zero gradient, updater {@code Sgd(0)}, no regularisation). The input must be
 * exactly {@code C x H x W}. Written with whole-array ND4J ops: a row-vector add on the {@code [N, C*H*W]}
 * view and a ReLU; the backward pass is the 0/1 step of the recomputed pre-activation times the gradient.
 */
public class NoiseRelu extends FlatParamsLayer implements ParamKinds {
    public static final String NOISE = "noise";

    private long height;
    private long width;
    private double level = 0.5;
    private long maskSeed;

    /** For JSON deserialisation. */
    public NoiseRelu() {
    }

    public static NoiseRelu of(String name, long channels, long height, long width, double level, long maskSeed) {
        NoiseRelu n = new NoiseRelu();
        n.setLayerName(name);
        n.setNIn(channels);
        n.setNOut(channels);
        n.setActivationFn(new ActivationReLU());
        n.height = height;
        n.width = width;
        n.level = level;
        n.maskSeed = maskSeed;
        String what = "noise layer '" + name + "'";
        if (channels < 1 || height < 1 || width < 1) {
            throw new PnnException(what + ": input " + channels + "x" + height + "x" + width + " is empty");
        }
        if (!(level >= 0) || Double.isInfinite(level)) {
            throw new PnnException(what + ": level=" + level + " must be a finite number >= 0");
        }
        return n;
    }

    /** Number of stored mask values, C*H*W. */
    public long maskValueCount() {
        return getNOut() * height * width;
    }

    /** The scaled mask this layer's seed gives: {@code (2u - 1) * level}, u ~ U[0, 1), in [C, H, W] order. */
    public double[] drawMask() {
        SplittableRandom rng = new SplittableRandom(maskSeed);
        double[] v = new double[Math.toIntExact(maskValueCount())];
        for (int i = 0; i < v.length; i++) v[i] = (2 * rng.nextDouble() - 1) * level;
        return v;
    }

    @Override
    protected Runtime runtime(NeuralNetConfiguration conf, DataType dataType) {
        return new Runtime(conf, dataType);
    }

    @Override
    public ParamInitializer initializer() {
        return Params.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        ConvShapes.requireCnn(inputType, "noise layer " + getLayerName());
        return InputType.convolutional(height, width, nOut);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        InputType.InputTypeConvolutional in = ConvShapes.requireCnn(inputType, "noise layer " + getLayerName());
        if (in.getChannels() != nIn || in.getHeight() != height || in.getWidth() != width) {
            throw new PnnException("noise layer '" + getLayerName() + "' has a mask for input " + nIn + "x" + height
                    + "x" + width + " but is placed after a layer giving " + in.getChannels() + "x" + in.getHeight()
                    + "x" + in.getWidth() + "; the mask is fixed to one input size");
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
    }

    @Override
    public ParamKind kindOf(String paramName) {
        return ParamKind.FIXED;
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return new Sgd(0.0);
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return List.of();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        return new LayerMemoryReport.Builder(layerName, NoiseRelu.class, inputType, out)
                .standardMemory(maskValueCount(), 0)
                .workingMemory(0, 0, 0, out.arrayElementsPerExample()).cacheMemory(0, 0).build();
    }

    public long getHeight() { return height; }
    public void setHeight(long height) { this.height = height; }
    public long getWidth() { return width; }
    public void setWidth(long width) { this.width = width; }
    public double getLevel() { return level; }
    public void setLevel(double level) { this.level = level; }
    public long getMaskSeed() { return maskSeed; }
    public void setMaskSeed(long maskSeed) { this.maskSeed = maskSeed; }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof NoiseRelu n) || !super.equals(o)) return false;
        return height == n.height && width == n.width && Double.compare(level, n.level) == 0 && maskSeed == n.maskSeed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), height, width, level, maskSeed);
    }

    /** Parameter layout: the mask, [C, H, W]. */
    static final class Params extends FlatParams<NoiseRelu> {
        static final Params INSTANCE = new Params();

        private Params() {
            super(NoiseRelu.class, List.of(), List.of());
        }

        @Override
        protected Map<String, long[]> shapes(NoiseRelu n) {
            Map<String, long[]> m = new LinkedHashMap<>();
            m.put(NOISE, new long[]{n.getNOut(), n.height, n.width});
            return m;
        }

        @Override
        protected void initialize(NoiseRelu n, Map<String, INDArray> m) {
            INDArray mask = m.get(NOISE);
            mask.assign(Nd4j.createFromArray(n.drawMask()).reshape(mask.shape()).castTo(mask.dataType()));
        }
    }

    /** Runtime of {@link NoiseRelu}. */
    public static class Runtime extends BaseLayer<NoiseRelu> {
        public Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private INDArray checkedInput() {
            NoiseRelu c = layerConf();
            INDArray x = input.castTo(dataType);
            if (x.rank() != 4 || x.size(1) != c.getNIn() || x.size(2) != c.height || x.size(3) != c.width) {
                throw new PnnException("noise layer '" + c.getLayerName() + "' was built for inputs of shape [N, "
                        + c.getNIn() + ", " + c.height + ", " + c.width + "] (its mask has that size) but got "
                        + java.util.Arrays.toString(x.shape()));
            }
            return x;
        }

        /** out = x + mask (broadcast over the batch); out is a fresh c-order array. */
        private INDArray perturbed(INDArray x, INDArray out) {
            out.assign(x);
            long chw = layerConf().maskValueCount();
            out.reshape('c', x.size(0), chw).addiRowVector(getParam(NOISE).reshape(1, chw));
            return out;
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
            assertInputSet(false);
            INDArray x = checkedInput();
            INDArray out = perturbed(x, mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(), 'c'));
            return Transforms.relu(out, false);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
            assertInputSet(true);
            INDArray x = checkedInput();
            INDArray dx = perturbed(x, mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c'));
            Nd4j.getExecutioner().exec(new Step(dx, dx)); // 1 where x + n > 0 (PyTorch: gradient 0 at 0)
            dx.muli(epsilon.castTo(dataType));
            INDArray gv = gradientViews.get(NOISE);
            gv.assign(0); // fixed: never trained
            Gradient g = new DefaultGradient();
            g.setGradientFor(NOISE, gv);
            return new Pair<>(g, dx);
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
        public boolean updaterDivideByMinibatch(String paramName) {
            return false;
        }
    }
}
