package org.pnnlab.layers.dl4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.capability.ConvolutionGeometry;
import org.pnnlab.api.capability.LinearConvolution;
import org.pnnlab.api.capability.TrainableKernel;

/**
 * Runtime of {@link ConvNorm}: libnd4j's {@code conv2d}/{@code conv2d_bp} (oneDNN) for the full convolution,
 * {@link SpectralFilter} for the normaliser with the crop and stride folded into its output positions, and
 * libnd4j's {@code depthwise_conv2d}/{@code _bp} for the affine kernel. The normaliser used in a forward pass
 * and the normalised maps (the affine kernel's input) are kept for the backward pass.
 */
public class ConvNormLayer extends BaseLayer<ConvNorm> implements LinearConvolution, TrainableKernel {
    private SpectralFilter filter;
    private SpectralFilter.Plan forwardPlan;  // whole grid -> kept (cropped, strided) positions
    private SpectralFilter.Plan backwardPlan; // kept positions -> whole grid
    private SpectralFilter.Plan gridPlan;     // whole grid -> whole grid (inspection)

    private INDArray cachedV;
    private INDArray cachedNormalised;
    private INDArray cachedPreActivation;

    public ConvNormLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private void plan() {
        if (filter != null) return;
        // the matrices live as long as the layer: create them outside any workspace the caller has open
        try (org.nd4j.linalg.api.memory.MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            makePlan();
        }
    }

    private void makePlan() {
        ConvNorm c = layerConf();
        int hg = (int) c.gridH();
        int wg = (int) c.gridW();
        int crop = c.getKernel() - 1 - c.getPadding();
        int[] rows = SpectralFilter.strided(crop, crop + (int) (c.getHeight() + 2L * c.getPadding() - c.getKernel() + 1), c.getStride());
        int[] cols = SpectralFilter.strided(crop, crop + (int) (c.getWidth() + 2L * c.getPadding() - c.getKernel() + 1), c.getStride());
        filter = new SpectralFilter(hg, wg, dataType);
        int[] allRows = SpectralFilter.range(hg);
        int[] allCols = SpectralFilter.range(wg);
        forwardPlan = filter.plan(allRows, allCols, rows, cols);
        backwardPlan = filter.plan(rows, cols, allRows, allCols);
    }

    private INDArray checkedInput() {
        ConvNorm c = layerConf();
        INDArray x = input.castTo(dataType);
        if (x.rank() != 4 || x.size(1) != c.getNIn()) {
            throw new PnnException("ConvNorm " + c.getLayerName() + " expects input [N, " + c.getNIn() + ", "
                    + c.getHeight() + ", " + c.getWidth() + "], got " + Arrays.toString(x.shape()));
        }
        c.checkSize(x.size(2), x.size(3));
        return x;
    }

    /** libnd4j conv2d integer arguments for the layer's convolution (full at stride 1, or 1x1 at the stride). */
    private int[] convArgs() {
        ConvNorm c = layerConf();
        return c.getKernel() == 1 ? new int[]{1, 1, c.getStride(), c.getStride(), 0, 0, 1, 1, 0, 0, 1} : fullConvArgs();
    }

    /** The stride-1 convolution with padding k-1. */
    private int[] fullConvArgs() {
        int k = layerConf().getKernel();
        return new int[]{k, k, 1, 1, k - 1, k - 1, 1, 1, 0, 0, 1};
    }

    private int[] affineArgs() {
        int k = layerConf().getKernel();
        int p = (k - 1) / 2;
        return new int[]{k, k, 1, 1, p, p, 1, 1, 0, 0, 0};
    }

    /** The normaliser of the current weight: {@code [O, Hg, Wg/2+1]}, or {@code [O, 1, 1]} for a 1x1 kernel. */
    public INDArray normaliser() {
        ConvNorm c = layerConf();
        INDArray w = getParam(ConvNorm.WEIGHT);
        INDArray power;
        if (c.getKernel() == 1) {
            power = w.reshape('c', c.getNOut(), c.getNIn()).mul(w.reshape('c', c.getNOut(), c.getNIn())).sum(1)
                    .reshape(c.getNOut(), 1, 1);
        } else {
            plan();
            power = filter.kernelPower(w);
        }
        return Transforms.pow(power, -0.5, false);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        ConvNorm c = layerConf();
        INDArray x = checkedInput();
        long n = x.size(0);
        long o = c.getNOut();
        INDArray v;
        if (training) {
            v = normaliser();
            if (c.isTrackRunning()) {
                INDArray count = getParam(ConvNorm.COUNTER);
                long step = Math.round(count.getDouble(0)) + 1;
                count.assign(step);
                double f = c.emaFactor(step);
                getParam(ConvNorm.RUNNING_V).muli(1 - f).addi(v.mul(f));
            }
        } else {
            v = getParam(ConvNorm.RUNNING_V).dup('c');
        }
        v = v.detach();
        long ho = c.croppedSize(c.getHeight());
        long wo = c.croppedSize(c.getWidth());
        INDArray normalised;
        if (c.getKernel() == 1) {
            normalised = conv(x, Nd4j.createUninitialized(dataType, n, o, ho, wo), convArgs());
            ChannelOps.scale(normalised, v.reshape(o), normalised);
        } else {
            plan();
            INDArray y = filter.scratch("conv", n, o, c.gridH(), c.gridW());
            conv(x, y, convArgs());
            // kept until the backward pass (the affine kernel's input); rewritten by the next forward
            normalised = filter.scratch("normalised", n, o, ho, wo);
            filter.apply(forwardPlan, y.reshape('c', n * o, c.gridH(), c.gridW()), v, n,
                    normalised.reshape('c', n * o, ho, wo));
        }
        cachedV = v;
        INDArray out;
        if (c.isAffine()) {
            cachedNormalised = normalised.detach();
            out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                    new long[]{n, o, c.outputSize(c.getHeight()), c.outputSize(c.getWidth())}, 'c');
            Nd4j.exec(DynamicCustomOp.builder("depthwise_conv2d")
                    .addInputs(normalised, affineWeight(getParam(ConvNorm.AFFINE_WEIGHT)), getParam(ConvNorm.AFFINE_BIAS))
                    .addOutputs(out).addIntegerArguments(affineArgs()).build());
        } else {
            cachedNormalised = null;
            out = mgr.dup(ArrayType.ACTIVATIONS, normalised, 'c');
        }
        cachedPreActivation = null;
        if (!(c.getActivationFn() instanceof org.nd4j.linalg.activations.impl.ActivationIdentity)) {
            cachedPreActivation = out.isAttached() ? out.detach() : out.dup('c');
            c.getActivationFn().getActivation(out, training);
        }
        return out;
    }

    /**
     * r [O, 1, k, k] in libnd4j's depthwise layout [k, k, channels, multiplier = 1] (a copy): with that layout the op
     * runs on oneDNN, about a hundred times faster than with the others in 1.0.0-M2.1.
     */
    private static INDArray affineWeight(INDArray r) {
        return r.permute(2, 3, 0, 1).dup('c');
    }

    /** The layer's weight (and bias) convolved with x into y. */
    private INDArray conv(INDArray x, INDArray y, int[] args) {
        ConvNorm c = layerConf();
        INDArray[] in = c.isHasBias() ? new INDArray[]{x, getParam(ConvNorm.WEIGHT), getParam(ConvNorm.BIAS)}
                : new INDArray[]{x, getParam(ConvNorm.WEIGHT)};
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(in).addOutputs(y).addIntegerArguments(args).build());
        return y;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        ConvNorm c = layerConf();
        if (cachedV == null) throw new IllegalStateException("ConvNorm " + c.getLayerName() + ": backward before forward");
        INDArray x = checkedInput();
        long n = x.size(0);
        long o = c.getNOut();
        INDArray eps = epsilon.castTo(dataType);
        if (eps.ordering() != 'c' || eps.isView()) eps = eps.dup('c');
        if (cachedPreActivation != null) {
            eps = c.getActivationFn().backprop(cachedPreActivation.dup('c'), eps).getFirst();
        }
        Gradient g = new DefaultGradient();

        INDArray dNormalised;
        if (c.isAffine()) {
            dNormalised = c.getKernel() == 1 ? Nd4j.createUninitialized(dataType, cachedNormalised.shape())
                    : filter.scratch("dnormalised", cachedNormalised.shape());
            INDArray gr = gradientViews.get(ConvNorm.AFFINE_WEIGHT);
            INDArray grb = gradientViews.get(ConvNorm.AFFINE_BIAS);
            INDArray grk = Nd4j.createUninitialized(dataType, gr.size(2), gr.size(3), gr.size(0), 1);
            Nd4j.exec(DynamicCustomOp.builder("depthwise_conv2d_bp")
                    .addInputs(cachedNormalised, affineWeight(getParam(ConvNorm.AFFINE_WEIGHT)),
                            getParam(ConvNorm.AFFINE_BIAS), eps)
                    .addOutputs(dNormalised, grk, grb).addIntegerArguments(affineArgs()).build());
            gr.assign(grk.permute(2, 3, 0, 1));
            g.setGradientFor(ConvNorm.AFFINE_WEIGHT, gr);
            g.setGradientFor(ConvNorm.AFFINE_BIAS, grb);
        } else {
            dNormalised = eps;
        }

        INDArray dy;
        if (c.getKernel() == 1) {
            dy = ChannelOps.scale(dNormalised, cachedV.reshape(o), Nd4j.createUninitialized(dataType, dNormalised.shape()));
        } else {
            plan();
            INDArray d = dNormalised.reshape('c', n * o, dNormalised.size(2), dNormalised.size(3));
            if (d.isView() || d.ordering() != 'c') d = d.dup('c');
            dy = filter.scratch("dconv", n, o, c.gridH(), c.gridW());
            filter.apply(backwardPlan, d, cachedV, n, dy.reshape('c', n * o, c.gridH(), c.gridW()));
        }

        INDArray dx = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        List<INDArray> ins = new ArrayList<>(List.of(x, getParam(ConvNorm.WEIGHT)));
        List<INDArray> outs = new ArrayList<>(List.of(dx, gradientViews.get(ConvNorm.WEIGHT)));
        if (c.isHasBias()) {
            ins.add(getParam(ConvNorm.BIAS));
            outs.add(gradientViews.get(ConvNorm.BIAS));
        }
        ins.add(dy);
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(ins.toArray(new INDArray[0]))
                .addOutputs(outs.toArray(new INDArray[0])).addIntegerArguments(convArgs()).build());
        g.setGradientFor(ConvNorm.WEIGHT, gradientViews.get(ConvNorm.WEIGHT));
        if (c.isHasBias()) g.setGradientFor(ConvNorm.BIAS, gradientViews.get(ConvNorm.BIAS));
        INDArray gv = gradientViews.get(ConvNorm.RUNNING_V).assign(0);
        INDArray gc = gradientViews.get(ConvNorm.COUNTER).assign(0);
        g.setGradientFor(ConvNorm.RUNNING_V, gv);
        g.setGradientFor(ConvNorm.COUNTER, gc);
        return new Pair<>(g, dx);
    }

    @Override
    public ConvolutionGeometry geometry() {
        ConvNorm c = layerConf();
        return new ConvolutionGeometry(c.getNIn(), c.getNOut(), c.getKernel(), c.getStride(), c.getPadding());
    }

    /** None: the layer's linear map is the convolution, the normaliser and the affine kernel together. */
    @Override
    public INDArray inferenceKernel() {
        return null;
    }

    /**
     * The whole operator of evaluation mode without its biases: the convolution (full, or 1x1 at the stride), the
     * running normaliser with the crop and stride, then the affine kernel r; {@code x [N, I, H, W]} at the layer's
     * input size.
     */
    @Override
    public INDArray applyLinear(INDArray x) {
        ConvNorm c = layerConf();
        x = x.castTo(dataType);
        c.checkSize(x.size(2), x.size(3));
        long n = x.size(0);
        long o = c.getNOut();
        INDArray v = getParam(ConvNorm.RUNNING_V);
        long ho = c.croppedSize(c.getHeight());
        long wo = c.croppedSize(c.getWidth());
        INDArray normalised;
        if (c.getKernel() == 1) {
            normalised = convWithoutBias(x, Nd4j.createUninitialized(dataType, n, o, ho, wo));
            ChannelOps.scale(normalised, v.reshape(o), normalised);
        } else {
            plan();
            INDArray y = convWithoutBias(x, Nd4j.createUninitialized(dataType, n, o, c.gridH(), c.gridW()));
            normalised = filter.apply(forwardPlan, y.reshape('c', n * o, c.gridH(), c.gridW()), v, n)
                    .reshape('c', n, o, ho, wo);
        }
        if (!c.isAffine()) return normalised;
        INDArray out = Nd4j.createUninitialized(dataType, n, o, c.outputSize(c.getHeight()), c.outputSize(c.getWidth()));
        Nd4j.exec(DynamicCustomOp.builder("depthwise_conv2d")
                .addInputs(normalised, affineWeight(getParam(ConvNorm.AFFINE_WEIGHT)), Nd4j.zeros(dataType, o))
                .addOutputs(out).addIntegerArguments(affineArgs()).build());
        return out;
    }

    /** The adjoint of {@link #applyLinear}: the same stages backwards (the normaliser's filter is self-adjoint). */
    @Override
    public INDArray applyAdjoint(INDArray g, long inputHeight, long inputWidth) {
        ConvNorm c = layerConf();
        c.checkSize(inputHeight, inputWidth);
        g = g.castTo(dataType).dup('c');
        long n = g.size(0);
        long o = c.getNOut();
        INDArray v = getParam(ConvNorm.RUNNING_V);
        long ho = c.croppedSize(c.getHeight());
        long wo = c.croppedSize(c.getWidth());
        INDArray dNormalised = g;
        if (c.isAffine()) {
            dNormalised = Nd4j.createUninitialized(dataType, n, o, ho, wo);
            INDArray r = getParam(ConvNorm.AFFINE_WEIGHT);
            INDArray grk = Nd4j.createUninitialized(dataType, r.size(2), r.size(3), o, 1);
            Nd4j.exec(DynamicCustomOp.builder("depthwise_conv2d_bp")
                    .addInputs(Nd4j.zeros(dataType, n, o, ho, wo), affineWeight(r), Nd4j.zeros(dataType, o), g)
                    .addOutputs(dNormalised, grk, Nd4j.createUninitialized(dataType, o))
                    .addIntegerArguments(affineArgs()).build());
        }
        INDArray dy;
        if (c.getKernel() == 1) {
            dy = ChannelOps.scale(dNormalised, v.reshape(o), Nd4j.createUninitialized(dataType, dNormalised.shape()));
        } else {
            plan();
            dy = filter.apply(backwardPlan, dNormalised.reshape('c', n * o, ho, wo), v, n)
                    .reshape('c', n, o, c.gridH(), c.gridW());
        }
        INDArray w = getParam(ConvNorm.WEIGHT);
        INDArray dx = Nd4j.createUninitialized(dataType, n, c.getNIn(), inputHeight, inputWidth);
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp")
                .addInputs(Nd4j.zeros(dataType, n, c.getNIn(), inputHeight, inputWidth), w, dy)
                .addOutputs(dx, Nd4j.createUninitialized(dataType, w.shape())).addIntegerArguments(convArgs()).build());
        return dx;
    }

    @Override
    public INDArray kernelParameter() {
        return getParam(ConvNorm.WEIGHT);
    }

    @Override
    public INDArray kernelGradient() {
        return gradientViews.get(ConvNorm.WEIGHT);
    }

    private INDArray convWithoutBias(INDArray x, INDArray y) {
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(x, getParam(ConvNorm.WEIGHT)).addOutputs(y)
                .addIntegerArguments(convArgs()).build());
        return y;
    }

    /** The normaliser used by the last forward pass (for inspection), or null. */
    public INDArray lastNormaliser() {
        return cachedV;
    }

    /** The normalised, cropped and strided maps of the last forward pass (the affine kernel's input), or null. */
    public INDArray lastNormalised() {
        return cachedNormalised;
    }

    /** Step 1 on its own, for inspection: the stride-1 convolution with padding k-1, {@code [N, O, Hg, Wg]}. */
    public INDArray fullConvolution(INDArray x) {
        ConvNorm c = layerConf();
        int k = c.getKernel();
        return conv(x, Nd4j.createUninitialized(dataType, x.size(0), c.getNOut(), x.size(2) + k - 1, x.size(3) + k - 1),
                fullConvArgs());
    }

    /** Step 3 on its own, for inspection: maps {@code [N, O, Hg, Wg]} filtered by {@code v} on the whole grid. */
    public INDArray filterOnGrid(INDArray y, INDArray v) {
        ConvNorm c = layerConf();
        plan();
        long n = y.size(0);
        if (gridPlan == null) {
            int[] rows = SpectralFilter.range((int) c.gridH());
            int[] cols = SpectralFilter.range((int) c.gridW());
            try (org.nd4j.linalg.api.memory.MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                gridPlan = filter.plan(rows, cols, rows, cols);
            }
        }
        return filter.apply(gridPlan, y.reshape('c', n * c.getNOut(), c.gridH(), c.gridW()).dup('c'), v, n)
                .reshape('c', n, c.getNOut(), c.gridH(), c.gridW());
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public boolean hasBias() {
        return layerConf().isHasBias();
    }

    @Override
    public void clear() {
        super.clear();
        cachedV = null;
        cachedNormalised = null;
        cachedPreActivation = null;
    }

    @Override
    public boolean updaterDivideByMinibatch(String paramName) {
        return !(ConvNorm.RUNNING_V.equals(paramName) || ConvNorm.COUNTER.equals(paramName));
    }
}
