package org.pnnlab.layers.dl4j;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.pnnlab.api.ParamKind;
import org.pnnlab.api.ParamKinds;
import org.pnnlab.api.PnnException;

/**
 * Batch normalisation with PyTorch's semantics, followed by an optional activation: in training the batch
 * statistics normalise (biased variance) and the running estimates move by {@code momentum}, the running
 * variance with the unbiased batch variance; in evaluation the running estimates normalise. Works on
 * {@code [N, C, H, W]} (per channel) and {@code [N, C]} input. The running estimates are stored parameters
 * (so they are saved with the model) that the optimiser never changes: they are updated in place by the
 * training-mode forward pass, exactly once per forward, as in PyTorch.
 */
public class BatchNorm extends FlatParamsLayer implements ParamKinds {
    public static final String GAMMA = "gamma";
    public static final String BETA = "beta";
    public static final String MEAN = "mean";
    public static final String VAR = "var";

    private double eps = 1e-5;
    private double momentum = 0.1;
    private boolean affine = true;

    /** For JSON deserialisation. */
    public BatchNorm() {
    }

    public static BatchNorm of(String name, long channels, IActivation activation) {
        return of(name, channels, activation, 1e-5, 0.1);
    }

    public static BatchNorm of(String name, long channels, IActivation activation, double eps, double momentum) {
        BatchNorm b = new BatchNorm();
        b.setLayerName(name);
        b.setNIn(channels);
        b.setNOut(channels);
        b.setActivationFn(activation);
        b.eps = eps;
        b.momentum = momentum;
        return b;
    }

    /** Batch norm without the learned scale and shift (γ = 1, β = 0, no parameters for them). */
    public static BatchNorm plain(String name, long channels, IActivation activation) {
        BatchNorm b = of(name, channels, activation);
        b.affine = false;
        return b;
    }

    /**
     * Batch norm followed by the named activation; for {@code prelu} a {@link PReLUBlock} holding the batch
     * norm and its own learnable slope.
     */
    public static org.deeplearning4j.nn.conf.layers.Layer withActivation(String name, long channels, String activation) {
        if (activation.equals("prelu")) {
            return PReLUBlock.of(name + "_prelu", List.of(of(name, channels, new org.nd4j.linalg.activations.impl.ActivationIdentity())),
                    List.of(true));
        }
        return of(name, channels, Activations.dl4j(activation));
    }

    @Override
    protected BatchNormLayer runtime(NeuralNetConfiguration conf, DataType dataType) {
        return new BatchNormLayer(conf, dataType);
    }

    @Override
    public ParamInitializer initializer() {
        return BatchNormParams.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return switch (inputType.getType()) {
            case FF, CNN -> inputType;
            case CNNFlat -> {
                InputType.InputTypeConvolutionalFlat f = (InputType.InputTypeConvolutionalFlat) inputType;
                yield InputType.convolutional(f.getHeight(), f.getWidth(), f.getDepth());
            }
            default -> throw new PnnException("batch norm '" + getLayerName() + "' takes image or vector input, got "
                    + inputType);
        };
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        long c = switch (inputType.getType()) {
            case FF -> ((InputType.InputTypeFeedForward) inputType).getSize();
            case CNN -> ((InputType.InputTypeConvolutional) inputType).getChannels();
            case CNNFlat -> ((InputType.InputTypeConvolutionalFlat) inputType).getDepth();
            default -> throw new PnnException("batch norm '" + getLayerName()
                    + "' takes image or vector input, got " + inputType);
        };
        if (nIn <= 0 || override) {
            nIn = c;
            nOut = c;
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        if (inputType instanceof InputType.InputTypeConvolutionalFlat f) {
            return new FeedForwardToCnnPreProcessor(f.getHeight(), f.getWidth(), f.getDepth());
        }
        return null;
    }

    @Override
    public ParamKind kindOf(String paramName) {
        return MEAN.equals(paramName) || VAR.equals(paramName) ? ParamKind.STATISTIC : ParamKind.TRAINABLE;
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        return switch (paramName) {
            case GAMMA -> regularization;
            case BETA -> regularizationBias;
            default -> List.of();
        };
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        return switch (paramName) {
            case GAMMA, BETA -> iUpdater;
            case MEAN, VAR -> new NoOp(); // their gradient is always zero; the forward pass updates them
            default -> throw new IllegalArgumentException("batch norm has no parameter " + paramName);
        };
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return new LayerMemoryReport.Builder(layerName, BatchNorm.class, inputType, inputType)
                .standardMemory(4 * nOut, 2 * nOut).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    public double getEps() { return eps; }
    public void setEps(double eps) { this.eps = eps; }
    public double getMomentum() { return momentum; }
    public void setMomentum(double momentum) { this.momentum = momentum; }
    public boolean isAffine() { return affine; }
    public void setAffine(boolean affine) { this.affine = affine; }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof BatchNorm b) || !super.equals(o)) return false;
        return Double.compare(eps, b.eps) == 0 && Double.compare(momentum, b.momentum) == 0 && affine == b.affine;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), eps, momentum, affine);
    }

    /** Parameter layout: gamma, beta (when affine), mean, var, each of length C. */
    static final class BatchNormParams extends FlatParams<BatchNorm> {
        static final BatchNormParams INSTANCE = new BatchNormParams();

        private BatchNormParams() {
            super(BatchNorm.class, List.of(GAMMA), List.of(BETA));
        }

        @Override
        protected Map<String, long[]> shapes(BatchNorm b) {
            Map<String, long[]> m = new java.util.LinkedHashMap<>();
            for (String k : b.affine ? List.of(GAMMA, BETA, MEAN, VAR) : List.of(MEAN, VAR)) {
                m.put(k, new long[]{b.getNOut()});
            }
            return m;
        }

        @Override
        protected void initialize(BatchNorm b, Map<String, INDArray> m) {
            if (b.affine) {
                m.get(GAMMA).assign(1);
                m.get(BETA).assign(0);
            }
            m.get(MEAN).assign(0);
            m.get(VAR).assign(1);
        }
    }
}
