package org.pnnlab.layers.dl4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.api.PnnException;

/**
 * The shifted ReLU of the ConvNorm comparison (activation {@code srelu}): {@code y = max(x − b, 0) + b} with a
 * learnable shift b per channel, initialised to −1. The shift is never weight-decayed (the reference gives it
 * weight decay 0): {@link #getRegularizationByParam} returns no regularisation for it, and that list is where
 * DL4J takes every parameter's L2 from, so no optimiser setting can put decay back on it.
 *
 * <p>Gradients, with m = [x − b &gt; 0]: dL/dx = g·m, dL/db = Σ g·(1 − m) over the channel. Works on
 * {@code [N, C, H, W]} and {@code [N, C]} input; the output is a new array (the input is never overwritten, so a
 * backward pass after an evaluation-mode forward is exact).
 */
public class ShiftedRelu extends FlatParamsLayer {
    public static final String SHIFT = "b";
    public static final double INITIAL_SHIFT = -1.0;

    /** For JSON deserialisation. */
    public ShiftedRelu() {
    }

    public static ShiftedRelu of(String name, long channels) {
        ShiftedRelu s = new ShiftedRelu();
        s.setLayerName(name);
        s.setNIn(channels);
        s.setNOut(channels);
        s.setActivationFn(new ActivationIdentity());
        return s;
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
        return switch (inputType.getType()) {
            case FF, CNN -> inputType;
            case CNNFlat -> ConvShapes.requireCnn(inputType, "shifted relu " + getLayerName());
            default -> throw new PnnException("shifted relu '" + getLayerName() + "' takes image or vector input, got "
                    + inputType);
        };
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        long c = switch (inputType.getType()) {
            case FF -> ((InputType.InputTypeFeedForward) inputType).getSize();
            case CNN, CNNFlat -> ConvShapes.requireCnn(inputType, "shifted relu " + getLayerName()).getChannels();
            default -> throw new PnnException("shifted relu '" + getLayerName() + "' takes image or vector input, got "
                    + inputType);
        };
        if (nIn <= 0 || override) {
            nIn = c;
            nOut = c;
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        if (inputType instanceof InputType.InputTypeConvolutionalFlat f) {
            return new org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor(f.getHeight(), f.getWidth(),
                    f.getDepth());
        }
        return null;
    }

    /** The shift is never decayed, whatever weight decay the run sets. */
    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return List.of();
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return new LayerMemoryReport.Builder(layerName, ShiftedRelu.class, inputType, inputType)
                .standardMemory(nOut, 0).workingMemory(0, 0, 0, inputType.arrayElementsPerExample())
                .cacheMemory(0, 0).build();
    }

    /** One parameter: the shift b [C], a bias (initialised to −1). */
    static final class Params extends FlatParams<ShiftedRelu> {
        static final Params INSTANCE = new Params();

        private Params() {
            super(ShiftedRelu.class, List.of(), List.of(SHIFT));
        }

        @Override
        protected Map<String, long[]> shapes(ShiftedRelu s) {
            Map<String, long[]> m = new LinkedHashMap<>();
            m.put(SHIFT, new long[]{s.getNOut()});
            return m;
        }

        @Override
        protected void initialize(ShiftedRelu s, Map<String, INDArray> m) {
            m.get(SHIFT).assign(INITIAL_SHIFT);
        }
    }

    /** Runtime of {@link ShiftedRelu}. */
    public static class Runtime extends BaseLayer<ShiftedRelu> {
        public Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private INDArray checkedInput() {
            INDArray x = input.castTo(dataType);
            if ((x.rank() != 2 && x.rank() != 4) || x.size(1) != layerConf().getNOut()) {
                throw new PnnException("shifted relu '" + layerConf().getLayerName() + "' expects [N, "
                        + layerConf().getNOut() + "] or [N, " + layerConf().getNOut() + ", H, W] input, got "
                        + java.util.Arrays.toString(x.shape()));
            }
            return x.ordering() == 'c' && !x.isView() ? x : x.dup('c');
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
            assertInputSet(false);
            INDArray x = checkedInput();
            INDArray b = getParam(SHIFT);
            INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(), 'c');
            ChannelOps.minus(x, b, out);
            Transforms.relu(out, false);
            return ChannelOps.shift(out, b);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
            assertInputSet(true);
            INDArray x = checkedInput();
            INDArray g = epsilon.castTo(dataType);
            INDArray mask = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, x.shape(), 'c');
            ChannelOps.minus(x, getParam(SHIFT), mask);
            Nd4j.getExecutioner().exec(new Step(mask, mask)); // 1 where x − b > 0, else 0
            INDArray db = gradientViews.get(SHIFT);
            db.assign(ChannelOps.sum(g).subi(ChannelOps.dot(g, mask)));
            INDArray dx = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
            dx.assign(g).muli(mask);
            Gradient grad = new DefaultGradient();
            grad.setGradientFor(SHIFT, db);
            return new Pair<>(grad, dx);
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
}
