package org.pnnlab.layers.dl4j;

import java.util.Collection;
import java.util.Objects;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.layers.NoParamLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.AbstractLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.jspecify.annotations.Nullable;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.PnnException;

/**
 * 2-D max or average pooling with PyTorch's rules ({@code nn.MaxPool2d} / {@code nn.AvgPool2d} with
 * {@code ceil_mode=False}, dilation 1): output size {@code floor((in + 2·pad − kernel) / stride) + 1}; max pooling
 * pads with −∞ and sends each output's gradient to the first (row-major) position of its window holding the
 * maximum, as PyTorch does on ties; average pooling pads with zeros and divides by the whole window
 * ({@code count_include_pad=True}).
 *
 * <p>Written without DL4J's {@code SubsamplingLayer} and libnd4j's pooling ops (which are 2-4x slower than
 * PyTorch on this CPU): the forward pass gathers the windows with libnd4j's {@code im2col} into a
 * {@code [kH·kW, N·C·oH·oW]} matrix (one row per window position, each row contiguous) and reduces over its rows
 * (max with the first argmax, or sum); the backward pass builds the window gradients in that layout (the one-hot
 * of the argmax times g, or g / (kH·kW) in every row) and adds them back onto the image with {@code col2im}.
 */
public class Pool2d extends NoParamLayer {
    /** The reduction over a window. */
    public enum Kind { MAX, AVG }

    private Kind kind = Kind.MAX;
    private int[] kernel = {2, 2};
    private int[] stride = {2, 2};
    private int[] padding = {0, 0};

    /** For JSON deserialisation. */
    public Pool2d() {
    }

    /** A square window. */
    public static Pool2d of(String name, Kind kind, int kernel, int stride, int padding) {
        return of(name, kind, new int[]{kernel, kernel}, new int[]{stride, stride}, new int[]{padding, padding});
    }

    public static Pool2d of(String name, Kind kind, int[] kernel, int[] stride, int[] padding) {
        for (int i = 0; i < 2; i++) {
            if (kernel[i] < 1 || stride[i] < 1 || padding[i] < 0 || 2 * padding[i] > kernel[i]) {
                throw new PnnException("pooling '" + name + "': kernel " + java.util.Arrays.toString(kernel) + ", stride "
                        + java.util.Arrays.toString(stride) + ", padding " + java.util.Arrays.toString(padding)
                        + " invalid (kernel and stride >= 1, 0 <= padding <= kernel / 2)");
            }
        }
        Pool2d p = new Pool2d();
        p.setLayerName(name);
        p.kind = kind;
        p.kernel = kernel.clone();
        p.stride = stride.clone();
        p.padding = padding.clone();
        return p;
    }

    public Kind getKind() { return kind; }
    public void setKind(Kind kind) { this.kind = kind; }
    public int[] getKernel() { return kernel.clone(); }
    public void setKernel(int[] kernel) { this.kernel = kernel.clone(); }
    public int[] getStride() { return stride.clone(); }
    public void setStride(int[] stride) { this.stride = stride.clone(); }
    public int[] getPadding() { return padding.clone(); }
    public void setPadding(int[] padding) { this.padding = padding.clone(); }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                        Collection<TrainingListener> listeners, int index,
                                                        INDArray paramsView, boolean initializeParams,
                                                        DataType dataType) {
        return Runtimes.wire(new Runtime(conf, dataType), conf, listeners, index, paramsView, initializeParams);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeConvolutional c = ConvShapes.requireCnn(inputType, "pooling '" + getLayerName() + "'");
        return InputType.convolutional(ConvShapes.outSize(c.getHeight(), kernel[0], stride[0], padding[0], getLayerName()),
                ConvShapes.outSize(c.getWidth(), kernel[1], stride[1], padding[1], getLayerName()), c.getChannels());
    }

    @Override
    public @Nullable InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        long window = (long) kernel[0] * kernel[1] * out.arrayElementsPerExample();
        return new LayerMemoryReport.Builder(layerName, Pool2d.class, inputType, out)
                .standardMemory(0, 0).workingMemory(0, window, 0, window).cacheMemory(0, 0).build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pool2d p && super.equals(o) && kind == p.kind && java.util.Arrays.equals(kernel, p.kernel)
                && java.util.Arrays.equals(stride, p.stride) && java.util.Arrays.equals(padding, p.padding);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), kind, java.util.Arrays.hashCode(kernel), java.util.Arrays.hashCode(stride),
                java.util.Arrays.hashCode(padding));
    }

    /** Runtime of {@link Pool2d}. */
    public static class Runtime extends AbstractLayer<Pool2d> {
        private @Nullable INDArray argmax; // [N·C·oH·oW] window position of each maximum (max pooling, training)

        public Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        /** [kH, kW, N, C, oH, oW] c order, as the [N, C, kH, kW, oH, oW] view im2col/col2im take. */
        private static INDArray colView(INDArray rows, Pool2d p, long[] in, long oh, long ow) {
            return rows.reshape('c', new long[]{p.kernel[0], p.kernel[1], in[0], in[1], oh, ow}).permute(2, 3, 0, 1, 4, 5);
        }

        private long[] outShape(long[] in) {
            Pool2d p = layerConf();
            return new long[]{in[0], in[1],
                    ConvShapes.outSize(in[2], p.kernel[0], p.stride[0], p.padding[0], p.getLayerName()),
                    ConvShapes.outSize(in[3], p.kernel[1], p.stride[1], p.padding[1], p.getLayerName())};
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
            assertInputSet(false);
            Pool2d p = layerConf();
            if (input.rank() != 4) {
                throw new PnnException("pooling '" + p.getLayerName() + "' takes [N, C, H, W] input, got "
                        + java.util.Arrays.toString(input.shape()));
            }
            INDArray x = input.castTo(dataType);
            long[] in = x.shape();
            long[] os = outShape(in);
            long m = os[0] * os[1] * os[2] * os[3];
            int k = p.kernel[0] * p.kernel[1];
            INDArray rows = mgr.createUninitialized(ArrayType.FF_WORKING_MEM, dataType, new long[]{k, m}, 'c');
            Nd4j.exec(DynamicCustomOp.builder("im2col").addInputs(x).addOutputs(colView(rows, p, in, os[2], os[3]))
                    .addIntegerArguments(p.kernel[0], p.kernel[1], p.stride[0], p.stride[1], p.padding[0], p.padding[1], 1, 1, 0)
                    .addFloatingPointArguments(p.kind == Kind.MAX ? Double.NEGATIVE_INFINITY : 0.0).build());
            INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, os, 'c');
            INDArray flat = out.reshape('c', new long[]{m});
            if (p.kind == Kind.MAX) {
                Nd4j.exec(DynamicCustomOp.builder("reduce_max").addInputs(rows).addOutputs(flat).addIntegerArguments(0).build());
                if (training) {
                    INDArray idx = mgr.createUninitialized(ArrayType.INPUT, DataType.LONG, new long[]{m}, 'c');
                    Nd4j.exec(DynamicCustomOp.builder("argmax").addInputs(rows).addOutputs(idx).addIntegerArguments(0).build());
                    argmax = idx;
                } else {
                    argmax = null;
                }
            } else {
                Nd4j.exec(DynamicCustomOp.builder("reduce_sum").addInputs(rows).addOutputs(flat).addIntegerArguments(0).build());
                flat.divi(k);
            }
            return out;
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
            assertInputSet(true);
            Pool2d p = layerConf();
            long[] in = input.shape();
            long[] os = outShape(in);
            long m = os[0] * os[1] * os[2] * os[3];
            int k = p.kernel[0] * p.kernel[1];
            INDArray g = epsilon.castTo(dataType).reshape('c', new long[]{m});
            INDArray rows = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, new long[]{k, m}, 'c');
            if (p.kind == Kind.MAX) {
                INDArray idx = argmax;
                if (idx == null) {
                    // gradient after an evaluation-mode forward (e.g. an attack): find the maxima again
                    INDArray cols = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, dataType, new long[]{k, m}, 'c');
                    Nd4j.exec(DynamicCustomOp.builder("im2col").addInputs(input.castTo(dataType))
                            .addOutputs(colView(cols, p, in, os[2], os[3]))
                            .addIntegerArguments(p.kernel[0], p.kernel[1], p.stride[0], p.stride[1], p.padding[0], p.padding[1], 1, 1, 0)
                            .addFloatingPointArguments(Double.NEGATIVE_INFINITY).build());
                    idx = mgr.createUninitialized(ArrayType.BP_WORKING_MEM, DataType.LONG, new long[]{m}, 'c');
                    Nd4j.exec(DynamicCustomOp.builder("argmax").addInputs(cols).addOutputs(idx).addIntegerArguments(0).build());
                }
                Nd4j.exec(DynamicCustomOp.builder("onehot").addInputs(idx).addOutputs(rows).addIntegerArguments(0, k)
                        .addFloatingPointArguments(1.0, 0.0).build());
                rows.muliRowVector(g);
            } else {
                rows.assign(0).addiRowVector(g.div(k));
            }
            INDArray dx = mgr.create(ArrayType.ACTIVATION_GRAD, dataType, in, 'c');
            Nd4j.exec(DynamicCustomOp.builder("col2im").addInputs(colView(rows, p, in, os[2], os[3])).addOutputs(dx)
                    .addIntegerArguments(p.stride[0], p.stride[1], p.padding[0], p.padding[1], (int) in[2], (int) in[3], 1, 1, 0).build());
            return new Pair<>(new DefaultGradient(), dx);
        }

        @Override
        public double calcRegularizationScore(boolean backpropParamsOnly) {
            return 0;
        }

        @Override
        public Type type() {
            return Type.SUBSAMPLING;
        }

        @Override
        public boolean isPretrainLayer() {
            return false;
        }

        @Override
        public void clearNoiseWeightParams() {
        }

        @Override
        public @Nullable INDArray params() {
            return null;
        }

        @Override
        public void clear() {
            super.clear();
            argmax = null;
        }
    }
}
