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
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.pnnlab.api.ParamKind;
import org.pnnlab.api.ParamKinds;
import org.pnnlab.api.PnnException;

/**
 * The perturbation step of a perturbation layer (spec section 1.3, steps 1-5): add fixed noise masks to the
 * input (fan-out {@code nmasks} per input channel), optionally apply an activation, then combine the
 * perturbed maps with a learnable 1x1 convolution with bias (grouped by input channel when nmasks &gt; 1).
 * Computed with ND4J ops directly (see {@link PerturbationCoreLayer}).
 *
 * <p>Parameters: {@code W} {@code [O, M]} when M &gt; 1, {@code [O, C]} when M = 1 (PyTorch's 1x1 weight
 * without the unit dimensions); {@code noise} {@code [Cn, M, H, W]} (Cn = C for unique masks, 1 for shared
 * ones), stored unscaled, drawn once from {@code maskSeed} and frozen unless {@code trainMasks};
 * {@code b} {@code [O]}. The input must be exactly {@code C x H x W}.
 */
public class PerturbationCore extends FlatParamsLayer implements ParamKinds {
    public static final String NOISE = "noise";
    public static final String WEIGHT = "W";
    public static final String BIAS = "b";
    public static final List<String> NOISE_TYPES = List.of("uniform", "normal");

    private int nmasks = 1;
    private double level = 0.5;
    private boolean uniqueMasks = true;
    private boolean trainMasks;
    private String noiseType = "uniform";
    private boolean useAct = true;
    private String activation = "relu";
    private long height;
    private long width;
    private long maskSeed;

    /** For JSON deserialisation. */
    public PerturbationCore() {
    }

    public static PerturbationCore of(String name, long nIn, long nOut, int nmasks, double level, boolean uniqueMasks,
                                      boolean trainMasks, String noiseType, boolean useAct, String activation,
                                      long height, long width, long maskSeed) {
        PerturbationCore p = new PerturbationCore();
        p.setLayerName(name);
        p.setNIn(nIn);
        p.setNOut(nOut);
        p.setActivationFn(new ActivationIdentity());
        p.nmasks = nmasks;
        p.level = level;
        p.uniqueMasks = uniqueMasks;
        p.trainMasks = trainMasks;
        p.noiseType = noiseType;
        p.useAct = useAct;
        p.activation = activation;
        p.height = height;
        p.width = width;
        p.maskSeed = maskSeed;
        p.validate();
        return p;
    }

    /** Checks the combination of settings; every message names the layer, the value and the rule. */
    public void validate() {
        String n = "perturbation layer '" + getLayerName() + "'";
        if (nmasks < 1) throw new PnnException(n + ": nmasks=" + nmasks + " must be >= 1");
        if (nmasks > 1 && nOut % nIn != 0) {
            throw new PnnException(n + ": with nmasks=" + nmasks + " > 1 the output channels (" + nOut
                    + ") must be a multiple of the input channels (" + nIn + "), because each input channel's "
                    + "perturbed maps feed their own group of outputs; use nmasks=1 or change the width");
        }
        if (!NOISE_TYPES.contains(noiseType)) {
            throw new PnnException(n + ": unknown noise_type '" + noiseType + "'; use uniform or normal");
        }
        if (!(level >= 0) || Double.isInfinite(level)) {
            throw new PnnException(n + ": level=" + level + " must be a finite number >= 0");
        }
        Activations.check(activation);
        if (height < 1 || width < 1) throw new PnnException(n + ": input size " + height + "x" + width + " is empty");
    }

    long noiseChannels() {
        return uniqueMasks ? nIn : 1;
    }

    /** Stored (unscaled) noise values of this layer. */
    public long maskValueCount() {
        return noiseChannels() * nmasks * height * width;
    }

    /** The unscaled masks this layer's seed gives: U(-1, 1) or N(0, 1), in [Cn, M, H, W] row-major order. */
    public double[] drawMasks() {
        SplittableRandom rng = new SplittableRandom(maskSeed);
        double[] v = new double[Math.toIntExact(maskValueCount())];
        boolean normal = noiseType.equals("normal");
        for (int i = 0; i < v.length; i++) {
            v[i] = normal ? rng.nextGaussian() : 2 * rng.nextDouble() - 1;
        }
        return v;
    }

    @Override
    protected PerturbationCoreLayer runtime(NeuralNetConfiguration conf, DataType dataType) {
        return new PerturbationCoreLayer(conf, dataType);
    }

    @Override
    public ParamInitializer initializer() {
        return Params.INSTANCE;
    }

    @Override
    public ParamKind kindOf(String paramName) {
        return NOISE.equals(paramName) && !trainMasks ? ParamKind.FIXED : ParamKind.TRAINABLE;
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        if (NOISE.equals(paramName) && !trainMasks) return new Sgd(0.0);
        return super.getUpdaterByParam(paramName);
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        if (NOISE.equals(paramName)) return trainMasks && regularization != null ? regularization : List.of();
        return super.getRegularizationByParam(paramName);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        ConvShapes.requireCnn(inputType, "perturbation layer " + getLayerName());
        return InputType.convolutional(height, width, nOut);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        InputType.InputTypeConvolutional in = ConvShapes.requireCnn(inputType, "perturbation layer " + getLayerName());
        if (in.getChannels() != nIn || in.getHeight() != height || in.getWidth() != width) {
            throw new PnnException("perturbation layer '" + getLayerName() + "' has masks for input " + nIn + "x"
                    + height + "x" + width + " but is placed after a layer giving " + in.getChannels() + "x"
                    + in.getHeight() + "x" + in.getWidth() + "; masks are fixed to one input size");
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        return new LayerMemoryReport.Builder(layerName, PerturbationCore.class, inputType, out)
                .standardMemory(initializer().numParams(this), 0)
                .workingMemory(0, 0, 0, inputType.arrayElementsPerExample() * (long) nmasks * 3).cacheMemory(0, 0)
                .build();
    }

    public int getNmasks() { return nmasks; }
    public void setNmasks(int nmasks) { this.nmasks = nmasks; }
    public double getLevel() { return level; }
    public void setLevel(double level) { this.level = level; }
    public boolean isUniqueMasks() { return uniqueMasks; }
    public void setUniqueMasks(boolean uniqueMasks) { this.uniqueMasks = uniqueMasks; }
    public boolean isTrainMasks() { return trainMasks; }
    public void setTrainMasks(boolean trainMasks) { this.trainMasks = trainMasks; }
    public String getNoiseType() { return noiseType; }
    public void setNoiseType(String noiseType) { this.noiseType = noiseType; }
    public boolean isUseAct() { return useAct; }
    public void setUseAct(boolean useAct) { this.useAct = useAct; }
    public String getActivation() { return activation; }
    public void setActivation(String activation) { this.activation = activation; }
    public long getHeight() { return height; }
    public void setHeight(long height) { this.height = height; }
    public long getWidth() { return width; }
    public void setWidth(long width) { this.width = width; }
    public long getMaskSeed() { return maskSeed; }
    public void setMaskSeed(long maskSeed) { this.maskSeed = maskSeed; }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof PerturbationCore p) || !super.equals(o)) return false;
        return nmasks == p.nmasks && Double.compare(level, p.level) == 0
                && uniqueMasks == p.uniqueMasks && trainMasks == p.trainMasks && noiseType.equals(p.noiseType)
                && useAct == p.useAct && activation.equals(p.activation) && height == p.height && width == p.width
                && maskSeed == p.maskSeed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), nIn, nOut, nmasks, level, uniqueMasks, trainMasks, noiseType, useAct,
                activation, height, width, maskSeed);
    }

    /** Parameter layout: W, noise, b. */
    static final class Params extends FlatParams<PerturbationCore> {
        static final Params INSTANCE = new Params();

        private Params() {
            super(PerturbationCore.class, List.of(WEIGHT, NOISE), List.of(BIAS));
        }

        @Override
        protected Map<String, long[]> shapes(PerturbationCore p) {
            Map<String, long[]> m = new LinkedHashMap<>();
            m.put(WEIGHT, new long[]{p.getNOut(), p.nmasks == 1 ? p.getNIn() : p.nmasks});
            m.put(NOISE, new long[]{p.noiseChannels(), p.nmasks, p.height, p.width});
            m.put(BIAS, new long[]{p.getNOut()});
            return m;
        }

        @Override
        protected void initialize(PerturbationCore p, Map<String, INDArray> m) {
            INDArray w = m.get(WEIGHT);
            w.assign(Nd4j.randn(w.dataType(), w.shape()).muli(Math.sqrt(2.0 / p.getNOut())));
            double bound = 1.0 / Math.sqrt(w.size(1));
            INDArray b = m.get(BIAS);
            b.assign(Nd4j.rand(b.dataType(), b.shape()).muli(2 * bound).subi(bound));
            INDArray noise = m.get(NOISE);
            noise.assign(Nd4j.createFromArray(p.drawMasks()).reshape(noise.shape()).castTo(noise.dataType()));
        }
    }
}
