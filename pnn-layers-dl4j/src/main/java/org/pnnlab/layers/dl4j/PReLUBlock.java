package org.pnnlab.layers.dl4j;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.regularization.Regularization;
import org.pnnlab.api.ParamKind;
import org.pnnlab.api.ParamKinds;
import org.pnnlab.api.PnnException;

/**
 * A chain of hand-written layers that share ONE learnable PReLU slope (PyTorch's {@code nn.PReLU()} used at
 * several places of one module): the slope is applied after every sub-layer marked in {@code actAfter}, and
 * inside a {@link PerturbationCore} whose activation is {@code prelu} (after the noise). The slope's
 * gradient is the sum of its gradients at all sites.
 *
 * <p>Parameters are the sub-layers' own, named {@code <index>.<name>} (for example {@code 0.W},
 * {@code 1.gamma}; DL4J splits gradient keys at the last underscore, so none is used), followed by {@code slope} (initialised to 0.25, one value).
 */
public class PReLUBlock extends FeedForwardLayer implements ParamKinds {
    public static final String SLOPE = "slope";
    public static final double INITIAL_SLOPE = 0.25;

    private List<Layer> layers = new ArrayList<>();
    private List<Boolean> actAfter = new ArrayList<>();

    /** For JSON deserialisation. */
    public PReLUBlock() {
    }

    /** Sub-layers must use no activation of their own (identity), except a PerturbationCore with act prelu. */
    public static PReLUBlock of(String name, List<? extends Layer> layers, List<Boolean> actAfter) {
        if (layers.isEmpty() || layers.size() != actAfter.size()) {
            throw new PnnException("prelu block '" + name + "': needs one act flag per sub-layer, got "
                    + layers.size() + " layers and " + actAfter.size() + " flags");
        }
        PReLUBlock b = new PReLUBlock();
        b.setLayerName(name);
        b.setActivationFn(new ActivationIdentity());
        b.layers = new ArrayList<>(layers);
        b.actAfter = new ArrayList<>(actAfter);
        if (layers.get(0) instanceof FeedForwardLayer f) b.setNIn(f.getNIn());
        if (layers.get(layers.size() - 1) instanceof FeedForwardLayer f) b.setNOut(f.getNOut());
        return b;
    }

    public List<Layer> getLayers() { return layers; }
    public void setLayers(List<Layer> layers) { this.layers = layers; }
    public List<Boolean> getActAfter() { return actAfter; }
    public void setActAfter(List<Boolean> actAfter) { this.actAfter = actAfter; }

    /** Sub-layer index and its own parameter name for a block parameter name; null for the slope. */
    static Map.Entry<Integer, String> split(String paramName) {
        if (SLOPE.equals(paramName)) return null;
        int u = paramName.indexOf('.');
        if (u < 1) throw new IllegalArgumentException("prelu block has no parameter " + paramName);
        return Map.entry(Integer.parseInt(paramName.substring(0, u)), paramName.substring(u + 1));
    }

    /** Sub-layers get the block's updater and regularisation where they have none of their own. */
    private void shareTrainingSettings() {
        for (Layer l : layers) {
            if (l instanceof BaseLayer b) {
                if (b.getIUpdater() == null) b.setIUpdater(iUpdater);
                if (b.getBiasUpdater() == null) b.setBiasUpdater(biasUpdater);
                if (b.getRegularization() == null || b.getRegularization().isEmpty()) b.setRegularization(regularization);
                if (b.getRegularizationBias() == null || b.getRegularizationBias().isEmpty()) {
                    b.setRegularizationBias(regularizationBias);
                }
            }
        }
    }

    @Override
    public IUpdater getUpdaterByParam(String paramName) {
        var s = split(paramName);
        if (s == null) return iUpdater;
        shareTrainingSettings();
        return layers.get(s.getKey()).getUpdaterByParam(s.getValue());
    }

    @Override
    public List<Regularization> getRegularizationByParam(String paramName) {
        var s = split(paramName);
        if (s == null) return regularization;
        shareTrainingSettings();
        return layers.get(s.getKey()).getRegularizationByParam(s.getValue());
    }

    @Override
    public ParamKind kindOf(String paramName) {
        var s = split(paramName);
        if (s == null) return ParamKind.TRAINABLE;
        return layers.get(s.getKey()) instanceof ParamKinds k ? k.kindOf(s.getValue()) : ParamKind.TRAINABLE;
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                        Collection<TrainingListener> listeners, int layerIndex,
                                                        INDArray paramsView, boolean initializeParams,
                                                        DataType networkDataType) {
        shareTrainingSettings();
        PReLUBlockLayer block = Runtimes.wire(new PReLUBlockLayer(conf, networkDataType), conf, listeners, layerIndex,
                paramsView, initializeParams);
        List<org.deeplearning4j.nn.api.Layer> subs = new ArrayList<>();
        INDArray flat = paramsView.reshape(paramsView.length());
        long offset = 0;
        for (Layer l : layers) {
            long n = l.initializer().numParams(l);
            NeuralNetConfiguration sc = conf.clone();
            sc.setLayer(l);
            INDArray view = n == 0 ? null : flat.get(NDArrayIndex.interval(offset, offset + n));
            subs.add(l.instantiate(sc, listeners, layerIndex, view, false, networkDataType));
            offset += n;
        }
        block.attach(subs);
        return block;
    }

    @Override
    public ParamInitializer initializer() {
        return BlockParams.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType t = inputType;
        for (Layer l : layers) t = l.getOutputType(layerIndex, t);
        return t;
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        InputType t = inputType;
        for (Layer l : layers) {
            l.setNIn(t, override);
            t = l.getOutputType(-1, t);
        }
        if (layers.get(0) instanceof FeedForwardLayer f) nIn = f.getNIn();
        if (layers.get(layers.size() - 1) instanceof FeedForwardLayer f) nOut = f.getNOut();
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return layers.get(0).getPreProcessorForInputType(inputType);
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return new LayerMemoryReport.Builder(layerName, PReLUBlock.class, inputType, getOutputType(-1, inputType))
                .standardMemory(initializer().numParams(this), 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public PReLUBlock clone() {
        PReLUBlock c = (PReLUBlock) super.clone();
        c.layers = new ArrayList<>();
        for (Layer l : layers) c.layers.add(l.clone());
        c.actAfter = new ArrayList<>(actAfter);
        return c;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof PReLUBlock b) || !super.equals(o)) return false;
        return layers.equals(b.layers) && actAfter.equals(b.actAfter);
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), layers, actAfter);
    }

    /** The sub-layers' parameters in order, each under {@code <index>.<name>}, then the slope. */
    static final class BlockParams implements ParamInitializer {
        static final BlockParams INSTANCE = new BlockParams();

        private static PReLUBlock block(Layer l) {
            return (PReLUBlock) l;
        }

        @Override
        public long numParams(NeuralNetConfiguration conf) {
            return numParams(conf.getLayer());
        }

        @Override
        public long numParams(Layer layer) {
            long n = 1;
            for (Layer l : block(layer).layers) n += l.initializer().numParams(l);
            return n;
        }

        @Override
        public List<String> paramKeys(Layer layer) {
            List<String> keys = new ArrayList<>();
            List<Layer> ls = block(layer).layers;
            for (int i = 0; i < ls.size(); i++) {
                for (String k : ls.get(i).initializer().paramKeys(ls.get(i))) keys.add(i + "." + k);
            }
            keys.add(SLOPE);
            return keys;
        }

        @Override
        public List<String> weightKeys(Layer layer) {
            return paramKeys(layer).stream().filter(k -> isWeightParam(layer, k)).toList();
        }

        @Override
        public List<String> biasKeys(Layer layer) {
            return paramKeys(layer).stream().filter(k -> isBiasParam(layer, k)).toList();
        }

        @Override
        public boolean isWeightParam(Layer layer, String key) {
            var s = split(key);
            if (s == null) return true;
            Layer l = block(layer).layers.get(s.getKey());
            return l.initializer().isWeightParam(l, s.getValue());
        }

        @Override
        public boolean isBiasParam(Layer layer, String key) {
            var s = split(key);
            if (s == null) return false;
            Layer l = block(layer).layers.get(s.getKey());
            return l.initializer().isBiasParam(l, s.getValue());
        }

        @Override
        public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray view, boolean initializeParams) {
            Map<String, INDArray> m = splitView(conf, view, initializeParams, false);
            if (initializeParams) m.get(SLOPE).assign(INITIAL_SLOPE);
            return m;
        }

        @Override
        public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray view) {
            return splitView(conf, view, false, true);
        }

        private Map<String, INDArray> splitView(NeuralNetConfiguration conf, INDArray view, boolean initialize,
                                                boolean gradients) {
            INDArray flat = view.reshape(view.length());
            Map<String, INDArray> m = new LinkedHashMap<>();
            List<Layer> ls = block(conf.getLayer()).layers;
            long offset = 0;
            for (int i = 0; i < ls.size(); i++) {
                Layer l = ls.get(i);
                long n = l.initializer().numParams(l);
                if (n > 0) {
                    NeuralNetConfiguration sc = conf.clone();
                    sc.setLayer(l);
                    INDArray sub = flat.get(NDArrayIndex.interval(offset, offset + n));
                    Map<String, INDArray> own = gradients ? l.initializer().getGradientsFromFlattened(sc, sub)
                            : l.initializer().init(sc, sub, initialize);
                    for (var e : own.entrySet()) m.put(i + "." + e.getKey(), e.getValue());
                }
                offset += n;
            }
            m.put(SLOPE, flat.get(NDArrayIndex.interval(offset, offset + 1)).reshape(1));
            return m;
        }
    }
}
