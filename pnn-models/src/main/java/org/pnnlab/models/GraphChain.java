package org.pnnlab.models;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.pnnlab.api.LayerBlock;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.PnnException;

/**
 * Appends layers to a graph one after another while tracking the current activation shape, and fills
 * convolution slots from the layer registry. Branches: remember a vertex ({@link #last()}), continue from
 * it later with {@link #from(String)}, and join branches with {@link #merge}.
 */
public final class GraphChain {
    private final ComputationGraphConfiguration.GraphBuilder graph;
    private final LayerRegistry registry;
    private final long seed;
    private String last;
    private InputType type;
    private int slots;
    private final Map<String, InputType> types = new HashMap<>();

    public GraphChain(ComputationGraphConfiguration.GraphBuilder graph, LayerRegistry registry, String input,
                      InputType inputType, long seed) {
        this.graph = graph;
        this.registry = registry;
        this.last = input;
        this.type = inputType;
        this.seed = seed;
        types.put(input, inputType);
    }

    public String last() {
        return last;
    }

    public InputType type() {
        return type;
    }

    /** Continues the chain from another vertex (for branches), with that vertex's output shape. */
    public GraphChain from(String vertex, InputType vertexType) {
        last = vertex;
        type = vertexType;
        return this;
    }

    /** Continues the chain from a vertex added through this chain (its output shape is known). */
    public GraphChain from(String vertex) {
        return from(vertex, typeOf(vertex));
    }

    /** Output shape of a vertex added through this chain (or of the input). */
    public InputType typeOf(String vertex) {
        InputType t = types.get(vertex);
        if (t == null) throw new IllegalArgumentException("no vertex named " + vertex + " in this chain");
        return t;
    }

    /**
     * Adds a vertex taking several inputs (e.g. an element-wise sum joining two branches); the chain then
     * continues from it.
     */
    public GraphChain merge(String name, GraphVertex vertex, String... inputs) {
        InputType[] in = new InputType[inputs.length];
        for (int i = 0; i < inputs.length; i++) in[i] = typeOf(inputs[i]);
        InputType out;
        try {
            out = vertex.getOutputType(-1, in);
        } catch (org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException e) {
            throw new PnnException("vertex " + name + " cannot join " + String.join(", ", inputs) + ": " + e.getMessage(), e);
        }
        graph.addVertex(name, vertex, inputs);
        types.put(name, out);
        last = name;
        type = out;
        return this;
    }

    public GraphChain add(Layer layer) {
        String name = layer.getLayerName();
        if (name == null || name.isBlank()) throw new IllegalArgumentException("layer without a name: " + layer);
        InputType in = type;
        var pre = layer.getPreProcessorForInputType(in);
        if (pre != null) in = pre.getOutputType(in); // the graph adds the same preprocessor when it builds
        layer.setNIn(in, false);
        InputType out = layer.getOutputType(-1, in);
        graph.addLayer(name, layer, last);
        types.put(name, out);
        last = name;
        type = out;
        return this;
    }

    /** Seed for the n-th slot's fixed values, derived from the model seed. */
    public static long slotSeed(long seed, int slotIndex) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + slotIndex).nextLong();
    }

    /** Fills a slot with the plugin's layers: in = current channels, out = {@code outChannels}. */
    public GraphChain slot(String slotName, String layerId, Map<String, ?> params, int outChannels) {
        LayerPlugin plugin = registry.get(layerId);
        InputType.InputTypeConvolutional in = asCnn(slotName);
        LayerContext ctx = LayerContext.of(slotName, (int) in.getChannels(), outChannels, (int) in.getHeight(),
                (int) in.getWidth(), slotSeed(seed, slots++));
        LayerBlock block = plugin.create(params, ctx);
        for (Layer l : block.layers()) {
            if (l.getLayerName() == null || l.getLayerName().isBlank()) {
                throw new PnnException("layer plugin '" + layerId + "' returned a layer without a name");
            }
            add(l);
        }
        InputType.InputTypeConvolutional out = asCnn(slotName);
        if (out.getChannels() != outChannels) {
            throw new PnnException("layer plugin '" + layerId + "' in slot " + slotName + " gives " + out.getChannels()
                    + " channels instead of the " + outChannels + " asked for");
        }
        return this;
    }

    public InputType.InputTypeConvolutional asCnn(String where) {
        if (type instanceof InputType.InputTypeConvolutional c) return c;
        throw new PnnException(where + ": expected an image-shaped activation, got " + type);
    }
}
