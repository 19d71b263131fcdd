package org.pnnlab.layers.dl4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A parameter initializer for the hand-written layers: the layer lists its parameters' names and shapes in
 * storage order, and this class slices DL4J's flat parameter (and gradient) view into them, counts them
 * and answers which are weights and biases (for regularisation and updaters). Layers whose parameter list
 * depends on their configuration override {@link #isBias}.
 */
public abstract class FlatParams<L extends Layer> implements ParamInitializer {
    private final Class<L> type;
    private final @org.jspecify.annotations.Nullable List<String> weights;
    private final List<String> biases;

    /** Names in {@code biases} are biases, every other parameter a weight. */
    protected FlatParams(Class<L> type, List<String> biases) {
        this(type, null, biases);
    }

    FlatParams(Class<L> type, @org.jspecify.annotations.Nullable List<String> weights, List<String> biases) {
        this.type = type;
        this.weights = weights;
        this.biases = biases;
    }

    /** Parameter names and shapes, in storage order. */
    protected abstract Map<String, long[]> shapes(L layer);

    /** Fills freshly created parameters. */
    protected abstract void initialize(L layer, Map<String, INDArray> params);

    /** Whether a parameter is a bias (separate regularisation and updater settings). */
    protected boolean isBias(L layer, String key) {
        return biases.contains(key);
    }

    /** Whether a parameter is a weight; with no explicit weight list, every parameter that is not a bias. */
    protected boolean isWeight(L layer, String key) {
        return weights != null ? weights.contains(key) : shapes(layer).containsKey(key) && !isBias(layer, key);
    }

    private L layer(Layer l) {
        return type.cast(l);
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        long n = 0;
        for (long[] s : shapes(layer(layer)).values()) n += length(s);
        return n;
    }

    private static long length(long[] shape) {
        long n = 1;
        for (long d : shape) n *= d;
        return n;
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return List.copyOf(shapes(layer(layer)).keySet());
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
        return isWeight(layer(layer), key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return isBias(layer(layer), key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray view, boolean initializeParams) {
        Map<String, INDArray> m = split(conf, view);
        if (initializeParams) initialize(layer(conf.getLayer()), m);
        return m;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray view) {
        return split(conf, view);
    }

    /** Views into the flat array, one per parameter, shaped in c order. */
    private Map<String, INDArray> split(NeuralNetConfiguration conf, @org.jspecify.annotations.Nullable INDArray view) {
        Map<String, INDArray> m = new LinkedHashMap<>();
        if (view == null && numParams(conf) == 0) return m; // DL4J passes no view to a layer without parameters
        INDArray flat = java.util.Objects.requireNonNull(view, "parameter view").reshape(view.length());
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes(layer(conf.getLayer())).entrySet()) {
            long n = length(e.getValue());
            m.put(e.getKey(), flat.get(NDArrayIndex.interval(offset, offset + n)).reshape('c', e.getValue()));
            offset += n;
        }
        return m;
    }
}
