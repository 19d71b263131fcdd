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
import org.jspecify.annotations.Nullable;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.capability.ConvolutionGeometry;
import org.pnnlab.api.capability.LinearConvolution;

/**
 * Runtime of a {@link ReparamConv}: the subclass computes the applied kernel from the parameters (and may update
 * its state in a training forward), this class convolves with it; backwards, {@code conv2d_bp} gives the input,
 * bias and kernel gradients, and the subclass turns the kernel gradient into its parameters' gradients. The kernel
 * and whatever the subclass keeps for its backward pass live outside any workspace, from a forward pass to the
 * next.
 */
public abstract class ReparamConvLayer<C extends ReparamConv> extends BaseLayer<C> implements LinearConvolution {
    private @Nullable INDArray appliedKernel;

    protected ReparamConvLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /**
     * The kernel {@code [out, in, k, k]} the forward pass convolves with; in training it may update the layer's
     * state (before computing the kernel) and keeps what {@link #kernelBackward} needs.
     */
    protected abstract INDArray forwardKernel(boolean training);

    /**
     * Writes the gradients of the layer's own parameters (all but the bias) into {@code gradientViews}, from the
     * gradient of the kernel used by the last forward pass.
     */
    protected abstract void kernelBackward(INDArray kernelGradient);

    /** The kernel the layer applies in evaluation mode, {@code [out, in, k, k]}; changes no state. */
    @Override
    public abstract INDArray inferenceKernel();

    @Override
    public ConvolutionGeometry geometry() {
        C c = layerConf();
        return new ConvolutionGeometry(c.getNIn(), c.getNOut(), c.getKernel(), c.getStride(), c.getPadding());
    }

    private INDArray checkedInput() {
        C c = layerConf();
        INDArray x = input.castTo(dataType);
        if (x.rank() != 4 || x.size(1) != c.getNIn()) {
            throw new PnnException("convolution " + c.getLayerName() + " expects input [N, " + c.getNIn()
                    + ", H, W], got " + Arrays.toString(x.shape()));
        }
        return x;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        C c = layerConf();
        INDArray x = checkedInput();
        long h = ConvShapes.outSize(x.size(2), c.getKernel(), c.getStride(), c.getPadding(), c.getLayerName());
        long w = ConvShapes.outSize(x.size(3), c.getKernel(), c.getStride(), c.getPadding(), c.getLayerName());
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            appliedKernel = forwardKernel(training);
        }
        INDArray out = mgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[]{x.size(0), c.getNOut(), h, w}, 'c');
        INDArray[] in = c.isHasBias() ? new INDArray[]{x, appliedKernel, getParam(ReparamConv.BIAS)}
                : new INDArray[]{x, appliedKernel};
        Nd4j.exec(DynamicCustomOp.builder("conv2d").addInputs(in).addOutputs(out).addIntegerArguments(c.opArgs()).build());
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        C c = layerConf();
        INDArray kernel = appliedKernel;
        if (kernel == null) throw new IllegalStateException("convolution " + c.getLayerName() + ": backward before forward");
        INDArray x = checkedInput();
        INDArray dx = mgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        INDArray eps = epsilon.castTo(dataType);
        if (eps.ordering() != 'c' || eps.isView()) eps = eps.dup('c');
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray dKernel = Nd4j.createUninitialized(dataType, kernel.shape());
            List<INDArray> ins = new ArrayList<>(List.of(x, kernel));
            List<INDArray> outs = new ArrayList<>(List.of(dx, dKernel));
            if (c.isHasBias()) {
                ins.add(getParam(ReparamConv.BIAS));
                outs.add(gradientViews.get(ReparamConv.BIAS));
            }
            ins.add(eps);
            Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(ins.toArray(new INDArray[0]))
                    .addOutputs(outs.toArray(new INDArray[0])).addIntegerArguments(c.opArgs()).build());
            kernelBackward(dKernel);
        }
        Gradient g = new DefaultGradient();
        for (String p : c.initializer().paramKeys(c)) g.setGradientFor(p, gradientViews.get(p));
        return new Pair<>(g, dx);
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
    public boolean updaterDivideByMinibatch(String paramName) {
        return layerConf().kindOf(paramName) == org.pnnlab.api.ParamKind.TRAINABLE;
    }

    @Override
    public void clear() {
        super.clear();
        appliedKernel = null;
    }
}
