package org.pnnlab.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.NoOp;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.layers.dl4j.BatchNorm;
import org.pnnlab.layers.dl4j.PReLUBlock;
import org.pnnlab.layers.testing.GoldenCases;

/**
 * The harness of the whole-model golden cases ({@code golden/perturbation/case-model-*}): turns the reference
 * model factory call of a case ({@code factory} + {@code factory_kwargs} in {@code case.json}) into our
 * {@link ModelSpec}, loads the reference parameters, and compares logits and dL/dx.
 *
 * <p>Every argument of every reference factory has a rule here: where it goes in our spec (model option, layer
 * parameter of the first slot, of the other slots, or both), or why it has no effect in that factory (spec
 * 2.1-2.5, 3). An argument without a rule fails the case, naming the argument: a harness that dropped one would
 * compare a different model (as it did with {@code act}, which lenet and cifarnet also use after their hidden
 * linear layer).
 */
final class ReferenceModelCase {
    /** The plugin that implements the reproduction's PerturbLayer (filter_size 0) and its conv slots (1, 3, 5, 7). */
    static final String PERTURB = "perturbation";

    private ReferenceModelCase() {
    }

    /** Our spec for a reference factory call, and the reference's {@code avgpool} where our head must match it. */
    record Translation(ModelSpec spec, @Nullable Integer avgpool) {
    }

    /** What one reference argument does to our spec. */
    @FunctionalInterface
    private interface Rule {
        void apply(Draft d, String arg, JsonNode value);
    }

    /** The spec being put together. */
    private static final class Draft {
        final String caseName;
        final String factory;
        String model;
        String firstLayer = PERTURB;
        String layer = PERTURB;
        int channels = -1;
        int size = -1;
        int classes = -1;
        @Nullable Integer avgpool;
        final Map<String, Object> first = new LinkedHashMap<>();
        final Map<String, Object> rest = new LinkedHashMap<>();
        final Map<String, Object> options = new LinkedHashMap<>();

        Draft(String caseName, String factory) {
            this.caseName = caseName;
            this.factory = factory;
            this.model = factory;
        }

        AssertionError fail(String what) {
            return new AssertionError(caseName + " (reference factory " + factory + "): " + what);
        }
    }

    // ---- rules ------------------------------------------------------------------------------------------------

    private static Object scalar(Draft d, String arg, JsonNode v) {
        if (v.isBoolean()) return v.asBoolean();
        if (v.isIntegralNumber()) return v.intValue();
        if (v.isNumber()) return v.doubleValue();
        if (v.isTextual()) return v.asText();
        throw d.fail("argument '" + arg + "' has a value the harness cannot pass on: " + v);
    }

    /** Our model option {@code ours}. */
    private static Rule option(String ours) {
        return (d, arg, v) -> d.options.put(ours, scalar(d, arg, v));
    }

    /** Layer parameter {@code ours} of the first slot. */
    private static Rule firstSlot(String ours) {
        return (d, arg, v) -> d.first.put(ours, scalar(d, arg, v));
    }

    /** Layer parameter {@code ours} of every slot but the first. */
    private static Rule otherSlots(String ours) {
        return (d, arg, v) -> d.rest.put(ours, scalar(d, arg, v));
    }

    /** Layer parameter of the same name in every slot. */
    private static final Rule EVERY_SLOT = (d, arg, v) -> {
        d.first.put(arg, scalar(d, arg, v));
        d.rest.put(arg, scalar(d, arg, v));
    };

    private static Rule both(Rule a, Rule b) {
        return (d, arg, v) -> {
            a.apply(d, arg, v);
            b.apply(d, arg, v);
        };
    }

    /** Taken by the reference factory but without effect on its model; {@code why} documents it. */
    private static Rule noEffect(String why) {
        return (d, arg, v) -> {
        };
    }

    private static final Rule CLASSES = (d, arg, v) -> d.classes = v.asInt();

    /** lenet / cifarnet: 28 -> 1x28x28, 32 -> 3x32x32 (the reference sets its input channels for these two only). */
    private static final Rule MNIST_OR_CIFAR = (d, arg, v) -> {
        d.size = v.asInt();
        d.channels = switch (d.size) {
            case 28 -> 1;
            case 32 -> 3;
            default -> throw d.fail("input_size " + d.size + ": the reference knows input channels for 28 and 32 only");
        };
    };

    /** The ResNets: 3 input channels, hard-wired. */
    private static final Rule RGB = (d, arg, v) -> {
        d.size = v.asInt();
        d.channels = 3;
    };

    /** Average pooling of the reference's head; our head pools the whole remaining map, checked after the build. */
    private static final Rule AVGPOOL = (d, arg, v) -> d.avgpool = v.asInt();

    private static final String DEBUG = "prints values during the forward pass; no numeric effect";

    /** lenet (spec 2.4) and cifarnet (2.5): every layer flag reaches all slots; {@code act} also the head. */
    private static Map<String, Rule> classifierNet(String name) {
        Map<String, Rule> r = new LinkedHashMap<>();
        r.put("nfilters", option("nfilters"));
        r.put("avgpool", noEffect(name + " takes avgpool but never uses it (no average pooling in its head)"));
        r.put("nclasses", CLASSES);
        r.put("input_size", MNIST_OR_CIFAR);
        for (String a : List.of("nmasks", "level", "unique_masks", "train_masks", "noise_type", "mix_maps")) r.put(a, EVERY_SLOT);
        // one argument, two uses: every slot's activation and the separate act module after batch_norm
        r.put("act", both(EVERY_SLOT, option("act")));
        r.put("filter_size", otherSlots("filter_size"));
        r.put("first_filter_size", firstSlot("filter_size"));
        r.put("use_act", firstSlot("use_act"));
        r.put("scale_noise", option("scale_noise"));
        r.put("pool_type", option("pool_type"));
        r.put("dropout", option("dropout"));
        r.put("debug", noEffect(DEBUG));
        return r;
    }

    /** perturb_resnet18 (spec 2.3): 17 slots; the block's ReLU after the addition is fixed, the head is linear. */
    private static Map<String, Rule> perturbResnet() {
        Map<String, Rule> r = new LinkedHashMap<>();
        r.put("nfilters", option("nfilters"));
        r.put("avgpool", AVGPOOL);
        r.put("nclasses", CLASSES);
        r.put("input_size", RGB);
        for (String a : List.of("nmasks", "level", "unique_masks", "train_masks", "noise_type", "mix_maps")) r.put(a, EVERY_SLOT);
        r.put("act", EVERY_SLOT); // the residual ReLU is F.relu whatever act is; no activation in the head
        r.put("filter_size", otherSlots("filter_size"));
        r.put("first_filter_size", firstSlot("filter_size"));
        r.put("use_act", firstSlot("use_act"));
        r.put("scale_noise", option("scale_noise"));
        r.put("pool_type", option("pool_type"));
        r.put("dropout", noEffect("perturb_resnet18 has no dropout"));
        r.put("debug", noEffect(DEBUG));
        return r;
    }

    /** resnet18 (spec 2.1): uses nfilters, avgpool and nclasses; ignores every layer and noise argument. */
    private static Map<String, Rule> resnet() {
        Map<String, Rule> r = new LinkedHashMap<>();
        r.put("nfilters", option("nfilters"));
        r.put("avgpool", AVGPOOL);
        r.put("nclasses", CLASSES);
        r.put("input_size", RGB);
        for (String a : List.of("nmasks", "level", "filter_size", "first_filter_size", "pool_type", "scale_noise", "act",
                "use_act", "dropout", "unique_masks", "noise_type", "train_masks", "mix_maps")) {
            r.put(a, noEffect("resnet18 passes only nfilters, avgpool and nclasses to its model"));
        }
        r.put("debug", noEffect(DEBUG));
        return r;
    }

    /** noiseresnet18 (spec 2.2): nfilters, nclasses, level (every NoiseLayer) and first_filter_size. */
    private static Map<String, Rule> noiseResnet() {
        Map<String, Rule> r = new LinkedHashMap<>();
        r.put("nfilters", option("nfilters"));
        r.put("avgpool", noEffect("noiseresnet18 replaces avgpool by 1 (first_filter_size 7) or 4 (3)"));
        r.put("nclasses", CLASSES);
        r.put("input_size", RGB);
        r.put("level", otherSlots("level"));
        r.put("first_filter_size", option("first_filter_size"));
        for (String a : List.of("nmasks", "filter_size", "pool_type", "scale_noise", "act", "use_act", "dropout",
                "unique_masks", "noise_type", "train_masks", "mix_maps")) {
            r.put(a, noEffect("noiseresnet18 passes only nfilters, avgpool, nclasses, level and first_filter_size"));
        }
        r.put("debug", noEffect(DEBUG));
        return r;
    }

    private static final Map<String, Map<String, Rule>> FACTORIES = Map.of(
            "lenet", classifierNet("lenet"),
            "cifarnet", classifierNet("cifarnet"),
            "perturb_resnet18", perturbResnet(),
            "resnet18", resnet(),
            "noiseresnet18", noiseResnet());

    /**
     * Our spec for {@code factory(**kwargs)}. Fails, naming the case and the argument, on an argument without a
     * rule, and on an argument that our spec needs but the case does not give (the harness does not guess the
     * reference's defaults).
     */
    static Translation translate(String caseName, String factory, JsonNode kwargs) {
        Draft d = new Draft(caseName, factory);
        Map<String, Rule> rules = FACTORIES.get(factory);
        if (rules == null) {
            throw d.fail("unknown reference factory; the harness knows " + FACTORIES.keySet());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = kwargs.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Rule rule = rules.get(e.getKey());
            if (rule == null) {
                throw d.fail("reference argument '" + e.getKey() + "' = " + e.getValue() + " is not known to the "
                        + "golden harness; give it a rule in ReferenceModelCase (where it goes in our ModelSpec, or why "
                        + "it has no effect)");
            }
            rule.apply(d, e.getKey(), e.getValue());
        }
        for (String needed : List.of("nfilters", "nclasses", "input_size")) {
            if (!kwargs.has(needed)) throw d.fail("the case does not give reference argument '" + needed + "'");
        }
        switch (factory) {
            case "lenet", "cifarnet", "perturb_resnet18" -> {
                List<String> all = List.of("nmasks", "level", "unique_masks", "train_masks", "noise_type", "mix_maps",
                        "act", "filter_size", "first_filter_size", "use_act", "scale_noise", "pool_type");
                for (String a : all) {
                    if (!kwargs.has(a)) throw d.fail("the case does not give reference argument '" + a + "'");
                }
                if (!factory.equals("perturb_resnet18") && !kwargs.has("dropout")) {
                    throw d.fail("the case does not give reference argument 'dropout'");
                }
            }
            case "resnet18" -> {
                d.firstLayer = "conv";
                d.layer = "conv";
            }
            case "noiseresnet18" -> {
                if (!kwargs.has("level") || !kwargs.has("first_filter_size")) {
                    throw d.fail("the case does not give reference arguments 'level' and 'first_filter_size'");
                }
                d.firstLayer = "noise-original";
                d.layer = "noise-original";
            }
            default -> throw new IllegalStateException(factory);
        }
        ModelSpec spec = new ModelSpec(d.model, d.channels, d.size, d.size, d.classes, d.firstLayer, d.first, d.layer,
                d.rest, d.options, 1);
        return new Translation(spec, d.avgpool);
    }

    static ComputationGraph build(ModelSpec spec, DataType dt) {
        var conf = ModelRegistry.load().get(spec.model()).build(spec, LayerRegistry.load(),
                new NeuralNetConfiguration.Builder().seed(1).dataType(dt).updater(new NoOp()));
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    // ---- running a case ---------------------------------------------------------------------------------------

    static void run(Path dir) {
        String name = dir.getFileName().toString();
        JsonNode c = GoldenCases.caseJson(dir);
        String factory = c.get("factory").asText();
        Translation t = translate(name, factory, c.get("factory_kwargs"));
        DataType before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            ComputationGraph net = build(t.spec(), DataType.DOUBLE);
            if (t.avgpool() != null) {
                var pool = (org.pnnlab.layers.dl4j.Pool2d) net.getLayer("avgpool").conf().getLayer();
                assertEquals(org.pnnlab.layers.dl4j.Pool2d.Kind.AVG, pool.getKind(), name + ": the head pools by average");
                assertEquals(t.avgpool().intValue(), pool.getKernel()[0],
                        name + ": the reference's avgpool kernel and ours (the whole remaining map) differ");
            }
            ParamCounts pc = ParamCounts.of(net);
            if (c.has("trainable_parameter_count")) {
                assertEquals(c.get("trainable_parameter_count").asLong(), pc.trainable(), name + ": trainable count");
            }
            if (c.has("noise_mask_values")) {
                assertEquals(c.get("noise_mask_values").asLong(), pc.fixed(), name + ": mask values");
            }
            loadParams(name, factory, c, dir, net);

            GraphRunner r = new GraphRunner(net);
            INDArray y = r.forward(GoldenCases.npy(dir, "x.npy"), ModelFactory.LOGITS, false);
            double dy = GoldenCases.maxAbsDiff(y, GoldenCases.npy(dir, "y.npy"));
            assertTrue(dy <= 1e-9, name + ": logits differ by " + dy);
            INDArray dx = r.backward(GoldenCases.npy(dir, "g.npy"), new HashMap<>());
            double ddx = GoldenCases.maxAbsDiff(dx, GoldenCases.npy(dir, "dx.npy"));
            assertTrue(ddx <= 1e-9, name + ": dL/dx differs by " + ddx);
            assertNotEquals(0.0, dx.amaxNumber().doubleValue(), name + ": dL/dx is zero");
        } finally {
            Nd4j.setDefaultDataTypes(before, before);
        }
    }

    /** Loads every reference tensor into our parameter it maps to, and checks that none of ours is left out. */
    private static void loadParams(String name, String factory, JsonNode c, Path dir, ComputationGraph net) {
        INDArray flat = GoldenCases.npy(dir, "params.npy");
        Set<String> loaded = new HashSet<>();
        for (JsonNode e : c.get("params_index")) {
            if (e.has("alias_of")) continue;
            String key = e.get("key").asText();
            long off = e.get("offset").asLong();
            long n = 1;
            for (JsonNode s : e.get("shape")) n *= s.asLong();
            INDArray v = flat.get(NDArrayIndex.interval(off, off + n));
            String[] target = switch (factory) {
                case "lenet", "cifarnet" -> classifierNetParam(key, factory, net);
                case "perturb_resnet18" -> perturbResnetParam(key, net);
                default -> throw new AssertionError(name + ": no mapping of the reference state-dict keys of factory "
                        + factory + " onto our parameters yet; add one in ReferenceModelCase");
            };
            INDArray p = net.getLayer(target[0]).getParam(target[1]);
            assertTrue(p != null, name + ": " + key + " maps onto " + target[0] + "/" + target[1] + ", which does not exist");
            assertEquals(p.length(), n, name + ": size of " + key);
            if (target.length == 3) { // linear weight: PyTorch [out, in], DL4J [in, out]
                long out = e.get("shape").get(0).asLong();
                p.assign(v.reshape(out, n / out).transpose());
            } else {
                p.assign(v.reshape(p.shape()));
            }
            assertTrue(loaded.add(target[0] + "/" + target[1]), name + ": " + key + " maps onto a parameter loaded before");
        }
        Set<String> ours = new HashSet<>();
        for (Layer l : net.getLayers()) {
            for (String k : l.paramTable().keySet()) ours.add(l.conf().getLayer().getLayerName() + "/" + k);
        }
        ours.removeAll(loaded);
        assertTrue(ours.isEmpty(), name + ": parameters of ours without a reference value: " + ours);
    }

    /**
     * lenet / cifarnet state-dict key -&gt; {our layer, our param[, "T" if transposed]}. Their slots are the
     * PerturbLayers of {@code first_layers} (lenet: 0, 2, 4; cifarnet: 0, 1, 3, 4, 6, 7, pools between).
     */
    static String[] classifierNetParam(String key, String factory, ComputationGraph net) {
        String[] p = key.split("\\.");
        if (p[0].equals("first_layers")) {
            int i = Integer.parseInt(p[1]);
            int slot = factory.equals("lenet") ? i / 2 + 1 : i - i / 3 + 1;
            return slotParam("slot" + slot, p, 2, net, key);
        }
        boolean prelu = net.getConfiguration().getVertices().containsKey("bn1_prelu");
        return switch (p[0]) {
            case "linear1" -> p[1].equals("weight") ? new String[]{"linear1", "W", "T"} : new String[]{"linear1", "b"};
            case "linear2" -> p[1].equals("weight") ? new String[]{ModelFactory.LOGITS, "W", "T"}
                    : new String[]{ModelFactory.LOGITS, "b"};
            case "batch_norm" -> prelu ? new String[]{"bn1_prelu", "0." + bnOrDense(p[1], true, key)}
                    : new String[]{"bn1", bnOrDense(p[1], true, key)};
            case "act" -> {
                if (!prelu || !p[1].equals("weight")) throw new IllegalArgumentException("unmapped key " + key);
                yield new String[]{"bn1_prelu", PReLUBlock.SLOPE};
            }
            default -> throw new IllegalArgumentException("unmapped key " + key);
        };
    }

    /** perturb_resnet18 state-dict key -&gt; {our layer, our param[, "T" if transposed]}. */
    static String[] perturbResnetParam(String key, ComputationGraph net) {
        String[] p = key.split("\\.");
        if (p[0].equals("linear")) {
            return p[1].equals("weight") ? new String[]{ModelFactory.LOGITS, "W", "T"} : new String[]{ModelFactory.LOGITS, "b"};
        }
        if (p[0].equals("pre_layers")) {
            if (!p[1].equals("0")) throw new IllegalArgumentException("unmapped key " + key);
            return slotParam("pre", p, 2, net, key);
        }
        if (p[0].startsWith("layer")) {
            String block = p[0] + "_" + p[1];
            if (p[2].equals("shortcut")) {
                boolean bn = p[3].equals("1");
                return new String[]{block + "_shortcut_" + (bn ? "bn" : "conv"), bnOrDense(p[4], bn, key)};
            }
            if (p[2].equals("layers")) {
                String slot = switch (p[3]) {
                    case "0" -> block + "_slot1";
                    case "2" -> block + "_slot2";
                    default -> throw new IllegalArgumentException("unmapped key " + key);
                };
                return slotParam(slot, p, 4, net, key);
            }
        }
        throw new IllegalArgumentException("unmapped key " + key);
    }

    /**
     * Keys inside one PerturbLayer (from index {@code i} of {@code p}) -&gt; our layers of that slot. With prelu
     * the slot is one {@link PReLUBlock} whose parameters are its sub-layers' ones prefixed by their index
     * (combining or ordinary conv 0, BN 1, mix conv 2, mix BN 3) plus the one slope.
     */
    private static String[] slotParam(String slot, String[] p, int i, ComputationGraph net, String key) {
        var vertices = net.getConfiguration().getVertices();
        boolean conv = vertices.containsKey(slot + "_conv");
        if (vertices.containsKey(slot + "_prelu")) {
            String block = slot + "_prelu";
            if (p[i].equals("noise")) return new String[]{block, "0.noise"};
            if (p[i].equals("act") && p[i + 1].equals("weight")) return new String[]{block, PReLUBlock.SLOPE};
            int sub = switch (p[i]) {
                case "layers" -> Integer.parseInt(p[i + 1]);
                case "mix_layers" -> 2 + Integer.parseInt(p[i + 1]);
                default -> throw new IllegalArgumentException("unmapped key " + key);
            };
            return new String[]{block, sub + "." + bnOrDense(p[i + 2], sub % 2 == 1, key)};
        }
        if (p[i].equals("noise")) return new String[]{slot + "_perturb", "noise"};
        String layer;
        if (p[i].equals("layers")) {
            layer = switch (p[i + 1]) {
                case "0" -> slot + (conv ? "_conv" : "_perturb");
                case "1" -> slot + "_bn";
                default -> throw new IllegalArgumentException("unmapped key " + key);
            };
        } else if (p[i].equals("mix_layers")) {
            layer = switch (p[i + 1]) {
                case "0" -> slot + "_mix";
                case "1" -> slot + "_mixbn";
                default -> throw new IllegalArgumentException("unmapped key " + key);
            };
        } else {
            throw new IllegalArgumentException("unmapped key " + key);
        }
        boolean bn = net.getLayer(layer).conf().getLayer() instanceof BatchNorm;
        return new String[]{layer, bnOrDense(p[i + 2], bn, key)};
    }

    static String bnOrDense(String suffix, boolean bn, String key) {
        return switch (suffix) {
            case "weight" -> bn ? BatchNorm.GAMMA : "W";
            case "bias" -> bn ? BatchNorm.BETA : "b";
            case "running_mean" -> BatchNorm.MEAN;
            case "running_var" -> BatchNorm.VAR;
            default -> throw new IllegalArgumentException("unmapped key " + key);
        };
    }
}
