package org.pnnlab.layers.feedback;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.pnnlab.layers.dl4j.FlatParams;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.InputTypeUtil;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.plugin.PluginServices;
import org.pnnlab.api.plugin.PluginServices.Provided;
import org.pnnlab.api.plugin.Plugins;
import org.jspecify.annotations.Nullable;

/**
 * A whole feedback model as one DL4J layer: the {@link FeedbackArchitecture} named by {@code architecture}
 * (with its {@code options}) is built into a SameDiff graph that runs the first pass and the feedback cycles
 * (spec CNNF 4) and outputs the logits of the chosen {@code output}: {@code first} (the plain bottom-up pass),
 * {@code last} (after the last cycle) or {@code average} (mean over the first pass and every cycle). The
 * output can be switched at run time on the layer ({@link FeedbackNetworkLayer#setOutput}) without changing
 * the parameters, which is how attacks choose "first" or "end to end".
 *
 * <p>Parameters are the layers' own, named {@code <layer>.<param>}, one array per weight (tied weights are
 * one parameter with one gradient).
 */
public class FeedbackNetwork extends FeedForwardLayer {
    public static final List<String> OUTPUTS = List.of("first", "last", "average");

    private String architecture = "";
    private Map<String, String> options = new TreeMap<>();
    private String output = "average";
    private long channels;
    private long height;
    private long width;
    private long seed;

    /** For JSON deserialisation. */
    public FeedbackNetwork() {
    }

    public static FeedbackNetwork of(String name, String architecture, Map<String, String> options, long channels,
                                     long height, long width, int classes, String output, long seed) {
        FeedbackNetwork f = new FeedbackNetwork();
        f.setLayerName(name);
        f.setActivationFn(new ActivationIdentity());
        f.architecture = architecture;
        f.options = new TreeMap<>(options);
        f.output = output;
        f.channels = channels;
        f.height = height;
        f.width = width;
        f.setNIn(channels * height * width);
        f.setNOut(classes);
        f.seed = seed;
        if (!OUTPUTS.contains(output)) {
            throw new PnnException("feedback model '" + name + "': unknown output '" + output + "'; use "
                    + String.join(", ", OUTPUTS));
        }
        FeedbackModel m = f.model(); // validates the options now, not at the first batch
        long[] out = m.outputShape();
        f.setNOut(out[0]);
        return f;
    }

    /** One feedback plugin's layer as an ordinary bottom-up slot. */
    static FeedbackNetwork singleLayer(String pluginId, LayerParams params, LayerContext ctx) {
        Map<String, String> o = new TreeMap<>();
        o.put("plugin", pluginId);
        o.put("slot", ctx.slotName());
        o.put("out", String.valueOf(ctx.outChannels()));
        o.put("seed", String.valueOf(ctx.seed()));
        params.asMap().forEach((k, v) -> o.put("param." + k, String.valueOf(v)));
        return of(ctx.slotName() + "_" + pluginId.replace("-", ""), SingleLayerArchitecture.ID, o, ctx.inChannels(),
                ctx.height(), ctx.width(), ctx.outChannels(), "first", ctx.seed());
    }

    /** The architectures of the last class loader asked, by id, with where each came from. */
    private static volatile Map.@Nullable Entry<ClassLoader, Map<String, Provided<FeedbackArchitecture>>> architectures;

    /**
     * The feedback architectures visible through {@link Plugins#loader()} (the installed plugin jars, else the
     * application class path), by id, each with where it came from (its jar's file name, or built-in).
     */
    public static Map<String, String> architectureOrigins() {
        Map<String, String> m = new TreeMap<>();
        architecturesNow().forEach((id, p) -> m.put(id, p.origin()));
        return m;
    }

    private static Map<String, Provided<FeedbackArchitecture>> architecturesNow() {
        ClassLoader cl = Plugins.loader();
        var cached = architectures;
        if (cached == null || cached.getKey() != cl) {
            cached = Map.entry(cl, PluginServices.byKey(PluginServices.load(FeedbackArchitecture.class, cl,
                    "feedback architecture"), FeedbackArchitecture::id, "feedback architecture", "id"));
            architectures = cached;
        }
        return cached.getValue();
    }

    static FeedbackArchitecture architecture(String id) {
        Map<String, Provided<FeedbackArchitecture>> all = architecturesNow();
        Provided<FeedbackArchitecture> a = all.get(id);
        if (a == null) {
            throw new PnnException("unknown feedback architecture '" + id + "'; known: " + String.join(", ", all.keySet())
                    + " (for a plugin's architecture, put its jar in " + Plugins.WHERE + ")");
        }
        return a.service();
    }

    /** A fresh model of this configuration (no graph yet). */
    public FeedbackModel model() {
        return architecture(architecture).build(options, new long[]{channels, height, width}, (int) nOut);
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                                        int layerIndex, INDArray paramsView, boolean initializeParams,
                                                        DataType networkDataType) {
        FeedbackNetworkLayer l = new FeedbackNetworkLayer(conf, networkDataType);
        l.setListeners(listeners);
        l.setIndex(layerIndex);
        l.setParamsViewArray(paramsView);
        l.setParamTable(initializer().init(conf, paramsView, initializeParams));
        l.setConf(conf);
        return l;
    }

    @Override
    public ParamInitializer initializer() {
        return Params.INSTANCE;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        long[] s = model().outputShape();
        return s.length == 3 ? InputType.convolutional(s[1], s[2], s[0]) : InputType.feedForward(s[0]);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (!(inputType instanceof InputType.InputTypeConvolutional c)) {
            if (inputType instanceof InputType.InputTypeConvolutionalFlat f && f.getDepth() == channels
                    && f.getHeight() == height && f.getWidth() == width) {
                return;
            }
            throw new PnnException("feedback model '" + getLayerName() + "' takes images " + channels + "x" + height
                    + "x" + width + ", got " + inputType);
        }
        if (c.getChannels() != channels || c.getHeight() != height || c.getWidth() != width) {
            throw new PnnException("feedback model '" + getLayerName() + "' was built for " + channels + "x" + height
                    + "x" + width + " inputs but is placed after a layer giving " + c.getChannels() + "x"
                    + c.getHeight() + "x" + c.getWidth());
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return InputTypeUtil.getPreProcessorForInputTypeCnnLayers(inputType, getLayerName());
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        return new LayerMemoryReport.Builder(layerName, FeedbackNetwork.class, inputType, getOutputType(-1, inputType))
                .standardMemory(initializer().numParams(this), 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    public String getArchitecture() { return architecture; }
    public void setArchitecture(String architecture) { this.architecture = architecture; layout = null; }
    public Map<String, String> getOptions() { return options; }
    public void setOptions(Map<String, String> options) { this.options = new TreeMap<>(options); layout = null; }
    public String getOutput() { return output; }
    public void setOutput(String output) { this.output = output; }
    public long getChannels() { return channels; }
    public void setChannels(long channels) { this.channels = channels; layout = null; }
    public long getHeight() { return height; }
    public void setHeight(long height) { this.height = height; layout = null; }
    public long getWidth() { return width; }
    public void setWidth(long width) { this.width = width; layout = null; }
    public long getSeed() { return seed; }
    public void setSeed(long seed) { this.seed = seed; }

    @Override
    public void setNOut(long nOut) {
        super.setNOut(nOut);
        layout = null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof FeedbackNetwork f) || !super.equals(o)) return false;
        return architecture.equals(f.architecture) && options.equals(f.options) && output.equals(f.output)
                && channels == f.channels && height == f.height && width == f.width && seed == f.seed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), architecture, options, output, channels, height, width, seed);
    }

    /** Parameter shapes ({@code <layer>.<param>}, storage order) and which are biases; derived once from the model. */
    private record Layout(Map<String, long[]> shapes, java.util.Set<String> biases) {
    }

    private transient @org.jspecify.annotations.Nullable Layout layout;

    /** The parameter layout, built from a fresh model on first use (the model is not needed to count or slice). */
    private Layout layout() {
        Layout l = layout;
        if (l == null) {
            Map<String, long[]> shapes = new LinkedHashMap<>();
            java.util.Set<String> biases = new java.util.HashSet<>();
            model().layers().forEach((name, fl) -> fl.parameters().forEach((p, shape) -> {
                shapes.put(name + "." + p, shape);
                if (fl.isBias(p)) biases.add(name + "." + p);
            }));
            l = new Layout(java.util.Collections.unmodifiableMap(shapes), java.util.Set.copyOf(biases));
            layout = l;
        }
        return l;
    }

    /** Every layer's parameters in the model's order, as {@code <layer>.<param>}. */
    static final class Params extends FlatParams<FeedbackNetwork> {
        static final Params INSTANCE = new Params();

        private Params() {
            super(FeedbackNetwork.class, List.of());
        }

        @Override
        protected Map<String, long[]> shapes(FeedbackNetwork f) {
            return f.layout().shapes();
        }

        @Override
        protected boolean isBias(FeedbackNetwork f, String key) {
            return f.layout().biases().contains(key);
        }

        @Override
        protected void initialize(FeedbackNetwork f, Map<String, INDArray> all) {
            int i = 0;
            for (var e : f.model().layers().entrySet()) {
                Map<String, INDArray> own = new LinkedHashMap<>();
                for (String p : e.getValue().parameters().keySet()) own.put(p, all.get(e.getKey() + "." + p));
                e.getValue().initialize(own, f.seed * 1_000_003L + 31L * i++);
            }
        }
    }
}
