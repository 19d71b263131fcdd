package org.pnnlab.layers.dl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.capability.ConvolutionGeometry;
import org.pnnlab.api.capability.LinearConvolution;
import org.pnnlab.api.capability.TrainableKernel;

/**
 * A 2D convolution (NCHW, no groups, dilation 1) that calls libnd4j's {@code conv2d} and {@code conv2d_bp}
 * ops directly (oneDNN on the oneDNN builds). DL4J's {@code ConvolutionLayer} does not reach oneDNN in
 * 1.0.0-M2.1, and a SameDiff layer pays for graph execution on every call; this layer does neither. The
 * weight is stored in PyTorch's layout {@code [out, in, kH, kW]} ("W"), the optional bias as "b".
 * Initialisation: W ~ N(0, weightStd^2); b ~ U(-1/sqrt(fanIn), 1/sqrt(fanIn)), fanIn = in*k*k.
 */
public class Conv2d extends SquareConvolution {
    private double weightStd;

    /** For JSON deserialisation. */
    public Conv2d() {
    }

    /**
     * @param weightStd standard deviation of the weight initialisation; a value &lt;= 0 means He initialisation
     *     over the outputs, sqrt(2 / (k*k*out)), as the perturbation-network code does
     */
    public static Conv2d of(String name, long nIn, long nOut, int kernel, int stride, int padding, boolean hasBias,
                            double weightStd) {
        Conv2d c = new Conv2d();
        c.configure(name, nIn, nOut, kernel, stride, padding, hasBias);
        c.weightStd = weightStd > 0 ? weightStd : Math.sqrt(2.0 / (kernel * kernel * (double) nOut));
        return c;
    }

    @Override
    protected Runtime runtime(NeuralNetConfiguration conf, DataType dataType) {
        return new Runtime(conf, dataType);
    }

    @Override
    public ParamInitializer initializer() {
        return Params.INSTANCE;
    }

    public double getWeightStd() { return weightStd; }
    public void setWeightStd(double weightStd) { this.weightStd = weightStd; }

    @Override
    public boolean equals(Object o) {
        return o instanceof Conv2d c && super.equals(o) && Double.compare(weightStd, c.weightStd) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), weightStd);
    }

    /** Parameter layout: W [out, in, k, k] then b [out] when present. */
    static final class Params extends FlatParams<Conv2d> {
        static final Params INSTANCE = new Params();

        private Params() {
            super(Conv2d.class, List.of(WEIGHT), List.of(BIAS));
        }

        @Override
        protected Map<String, long[]> shapes(Conv2d c) {
            return c.weightAndBiasShapes();
        }

        @Override
        protected void initialize(Conv2d c, Map<String, INDArray> m) {
            INDArray w = m.get(WEIGHT);
            w.assign(Nd4j.randn(w.dataType(), w.shape()).muli(c.weightStd));
            if (c.isHasBias()) fillUniform(m.get(BIAS), 1.0 / Math.sqrt((double) c.rowLength()));
        }
    }

    /** Runtime of {@link Conv2d}: its kernel is the weight, for the layer spectra and kernel regularisers. */
    public static class Runtime extends BaseLayer<Conv2d> implements LinearConvolution, TrainableKernel {
        public Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
            assertInputSet(false);
            Conv2d c = layerConf();
            INDArray x = input.castTo(dataType);
            if (x.rank() != 4 || x.size(1) != c.getNIn()) {
                throw new PnnException("convolution " + c.getLayerName() + " expects input [N, " + c.getNIn()
                        + ", H, W], got " + java.util.Arrays.toString(x.shape()));
            }
            long h = ConvShapes.outSize(x.size(2), c.getKernel(), c.getStride(), c.getPadding(), c.getLayerName());
            long w = ConvShapes.outSize(x.size(3), c.getKernel(), c.getStride(), c.getPadding(), c.getLayerName());
            INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[]{x.size(0), c.getNOut(), h, w}, 'c');
            INDArray[] in = c.isHasBias() ? new INDArray[]{x, getParam(WEIGHT), getParam(BIAS)} : new INDArray[]{x, getParam(WEIGHT)};
            Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(in).addOutputs(out).addIntegerArguments(c.opArgs()).build());
            return out;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
            assertInputSet(true);
            Conv2d c = layerConf();
            INDArray x = input.castTo(dataType);
            INDArray dx = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
            INDArray eps = epsilon.castTo(dataType);
            if (eps.ordering() != 'c' || eps.isView()) eps = eps.dup('c');
            List<INDArray> ins = new ArrayList<>(List.of(x, getParam(WEIGHT)));
            List<INDArray> outs = new ArrayList<>(List.of(dx, gradientViews.get(WEIGHT)));
            if (c.isHasBias()) {
                ins.add(getParam(BIAS));
                outs.add(gradientViews.get(BIAS));
            }
            ins.add(eps);
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(ins.toArray(new INDArray[0]))
                    .addOutputs(outs.toArray(new INDArray[0])).addIntegerArguments(c.opArgs()).build());
            Gradient g = new DefaultGradient();
            g.setGradientFor(WEIGHT, gradientViews.get(WEIGHT));
            if (c.isHasBias()) g.setGradientFor(BIAS, gradientViews.get(BIAS));
            return new Pair<>(g, dx);
        }

        @Override
        public ConvolutionGeometry geometry() {
            Conv2d c = layerConf();
            return new ConvolutionGeometry(c.getNIn(), c.getNOut(), c.getKernel(), c.getStride(), c.getPadding());
        }

        @Override
        public INDArray inferenceKernel() {
            return getParam(WEIGHT);
        }

        @Override
        public INDArray kernelParameter() {
            return getParam(WEIGHT);
        }

        @Override
        public INDArray kernelGradient() {
            return gradientViews.get(WEIGHT);
        }

        @Override
        public boolean isPretrainLayer() {
            return false;
        }

        @Override
        public boolean hasBias() {
            return layerConf().isHasBias();
        }
    }
}
