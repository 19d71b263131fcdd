package org.pnnlab.layers.feedback;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.PnnException;

/**
 * Runtime of {@link FeedbackNetwork}. For each output kind it builds (once, lazily) a SameDiff graph whose
 * variables are the layer's parameter views, plus the scalar {@code sum(logits * eps)} with a placeholder
 * {@code eps}: the forward pass evaluates the logits, the backward pass differentiates that scalar, which
 * gives DL4J's parameter gradients and dL/dx for any upstream gradient eps.
 */
public class FeedbackNetworkLayer extends BaseLayer<FeedbackNetwork>
        implements org.pnnlab.api.capability.InferenceModes, org.pnnlab.api.capability.AdversarialObjective {
    /** Which logits the layer outputs. */
    public enum Output { FIRST, LAST, AVERAGE }

    private final Map<Output, Built> graphs = new EnumMap<>(Output.class);
    private Output output;

    private record Built(SameDiff sd, String logits, List<String> params) {
    }

    public FeedbackNetworkLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
        this.output = Output.valueOf(((FeedbackNetwork) conf.getLayer()).getOutput().toUpperCase(java.util.Locale.ROOT));
    }

    /** Switches the logits this layer outputs (parameters unchanged). */
    public void setOutput(Output output) {
        this.output = output;
    }

    public Output getOutput() {
        return output;
    }

    /** Feedback cycles of inference; with 0 every output mode is the first pass. */
    @Override
    public int cycles() {
        return layerConf().model().cycles();
    }

    @Override
    public Mode mode() {
        return Mode.valueOf(output.name());
    }

    @Override
    public void setMode(Mode mode) {
        output = Output.valueOf(mode.name());
    }

    @Override
    public INDArray logits(Mode mode, INDArray x) {
        return logits(Output.valueOf(mode.name()), x);
    }

    @Override
    public INDArray crossEntropyInputGradient(Mode mode, INDArray x, INDArray labelsOneHot) {
        return inputGradient(Output.valueOf(mode.name()), x, labelsOneHot).inputGradient();
    }

    @Override
    public double adversarialObjective(INDArray clean, INDArray adversarial, INDArray labelsOneHot,
                                       org.pnnlab.api.capability.AdversarialObjective.Weights w) {
        return objective(clean, adversarial, labelsOneHot,
                new ObjectiveWeights(w.cleanWeight(), w.reconstructionWeight(), w.clean())).loss();
    }

    private List<org.nd4j.autodiff.listeners.Listener> listeners = List.of();

    /**
     * The memory managers of this thread's sessions of {@code sd} (and of its gradient function): after a run,
     * copy out the results, then {@link ClosingMemoryManager#recycle()} them.
     */
    private ClosingMemoryManager[] prepare(SameDiff sd, boolean gradients) {
        // SameDiff keeps its own copy of an associated array: bind the current parameter values before every run
        associate(sd, params);
        if (!gradients) return new ClosingMemoryManager[] {ClosingMemoryManager.install(sd)};
        if (sd.getFunction("grad") == null) sd.createGradFunction();
        SameDiff grad = sd.getFunction("grad");
        associate(grad, params);
        return new ClosingMemoryManager[] {ClosingMemoryManager.install(sd), ClosingMemoryManager.install(grad)};
    }

    private static void recycle(ClosingMemoryManager[] m) {
        for (ClosingMemoryManager x : m) x.recycle();
    }

    /**
     * Image pairs per execution of the training objective; larger batches are split and their gradients summed.
     * Measured on the Fashion-MNIST CNN-F, batch 128 (bench/CnnfOpProfile.java): 32 pairs 5.9 s per PGD-7 step,
     * 3.1 GB peak resident; 64 pairs 5.4 s, 4.4 GB (the peak of 32 pairs before the pooling rewrite); 128 pairs
     * 4.4 s, 7.0 GB.
     */
    private static final int OBJECTIVE_CHUNK = Integer.getInteger("pnn.cnnf.objectiveChunk", 64);

    /** SameDiff listeners (e.g. a profiler) for every graph this layer runs, present and future. */
    public void setGraphListeners(List<org.nd4j.autodiff.listeners.Listener> l) {
        listeners = List.copyOf(l);
        for (Built b : graphs.values()) b.sd().setListeners(listeners.toArray(new org.nd4j.autodiff.listeners.Listener[0]));
        for (SameDiff g : ceGraphs.values()) g.setListeners(listeners.toArray(new org.nd4j.autodiff.listeners.Listener[0]));
        if (objectiveGraph != null) objectiveGraph.setListeners(listeners.toArray(new org.nd4j.autodiff.listeners.Listener[0]));
    }

    /** The model's logits for every pass: index 0 the first pass, index i after cycle i. */
    static List<SDVariable> unroll(FeedbackModel m, SDVariable x) {
        m.reset();
        FeedbackModel.FirstPass fp = m.first(x);
        List<SDVariable> logits = new ArrayList<>();
        logits.add(fp.logits());
        SDVariable ff = fp.origin();
        for (int i = 1; i <= m.cycles(); i++) {
            FeedbackModel.Reconstruction r = m.feedback(logits.get(i - 1));
            ff = ff.add(r.origin().sub(ff).mul(m.mix()));
            logits.add(m.later(ff));
        }
        return logits;
    }

    /** The logits of an inference mode from the logits of every pass. */
    static SDVariable select(List<SDVariable> passes, Output mode) {
        return switch (mode) {
            case FIRST -> passes.get(0);
            case LAST -> passes.get(passes.size() - 1);
            case AVERAGE -> {
                SDVariable sum = passes.get(0);
                for (int i = 1; i < passes.size(); i++) sum = sum.add(passes.get(i));
                yield sum.div(passes.size());
            }
        };
    }

    /** The graph's parameter variables, bound to this layer's parameter views. */
    static Map<String, SDVariable> bindParams(SameDiff sd, Map<String, INDArray> params, DataType dt) {
        Map<String, SDVariable> vars = new LinkedHashMap<>();
        for (var e : params.entrySet()) vars.put(e.getKey(), sd.var(e.getKey(), dt, e.getValue().shape()));
        return vars;
    }

    static void associate(SameDiff sd, Map<String, INDArray> params) {
        for (var e : params.entrySet()) sd.associateArrayWithVariable(e.getValue(), sd.getVariable(e.getKey()));
    }

    /** The logits of a batch and the input gradient of their summed cross-entropy. */
    public record LogitsAndGradient(INDArray logits, INDArray inputGradient) {
    }

    private final Map<Output, SameDiff> ceGraphs = new EnumMap<>(Output.class);

    /**
     * {@code ∂/∂x Σ CE(softmax(logits(x)), y)} and the logits, in one forward and one backward pass of the mode's
     * graph, in evaluation mode and without touching the parameters' gradients: what an attack needs. The
     * logits are those the gradient was taken at.
     */
    public LogitsAndGradient inputGradient(Output mode, INDArray x, INDArray labelsOneHot) {
        FeedbackNetwork c = layerConf();
        SameDiff sd = ceGraphs.computeIfAbsent(mode, k -> {
            FeedbackModel m = c.model();
            SameDiff g = SameDiff.create();
            SDVariable in = g.placeHolder("x", dataType, -1, c.getChannels(), c.getHeight(), c.getWidth());
            SDVariable y = g.placeHolder("y", dataType, -1, c.getNOut());
            m.bind(g, bindParams(g, params, dataType));
            SDVariable logits = g.identity("logits", select(unroll(m, in), k));
            SDVariable ce = g.identity("ce", y.mul(g.nn().logSoftmax(logits)).sum().neg());
            g.setLossVariables(ce);
            associate(g, params);
            if (!listeners.isEmpty()) g.setListeners(listeners.toArray(new org.nd4j.autodiff.listeners.Listener[0]));
            return g;
        });
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            Map<String, INDArray> ph = new HashMap<>();
            ph.put("x", x.castTo(dataType).dup('c').detach());
            ph.put("y", labelsOneHot.castTo(dataType).detach());
            ClosingMemoryManager[] mm = prepare(sd, true);
            try {
                var og = sd.calculateGradientsAndOutputs(ph, List.of("logits"), List.of("x"));
                return new LogitsAndGradient(og.getOutputs().get("logits").dup(),
                        og.getGradients().get("x").reshape(x.shape()).dup());
            } finally {
                recycle(mm);
            }
        }
    }

    /** The logits of a batch in the given mode (evaluation), whatever mode the layer is set to. */
    public INDArray logits(Output mode, INDArray x) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            Built b = graph(mode);
            ClosingMemoryManager[] mm = prepare(b.sd(), false);
            try {
                return b.sd().outputSingle(Map.of("x", x.castTo(dataType).dup('c').detach()), b.logits()).dup();
            } finally {
                recycle(mm);
            }
        }
    }

    private Built graph(Output o) {
        return graphs.computeIfAbsent(o, k -> {
            FeedbackNetwork c = layerConf();
            FeedbackModel m = c.model();
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.placeHolder("x", dataType, -1, c.getChannels(), c.getHeight(), c.getWidth());
            Map<String, SDVariable> vars = bindParams(sd, params, dataType);
            m.bind(sd, vars);
            SDVariable logits = sd.identity("logits", select(unroll(m, x), k));
            if (!listeners.isEmpty()) sd.setListeners(listeners.toArray(new org.nd4j.autodiff.listeners.Listener[0]));
            long[] outShape = m.outputShape();
            long[] epsShape = new long[outShape.length + 1];
            epsShape[0] = -1;
            System.arraycopy(outShape, 0, epsShape, 1, outShape.length);
            SDVariable eps = sd.placeHolder("eps", dataType, epsShape);
            SDVariable loss = logits.mul(eps).sum();
            sd.setLossVariables(loss);
            associate(sd, params);
            return new Built(sd, "logits", new ArrayList<>(params.keySet()));
        });
    }

    /**
     * Weights of the CNN-F training objective (spec CNNF 5.2): {@code cleanWeight} multiplies the clean
     * cross-entropy terms (ignored without {@code clean}), {@code mseWeight} the reconstruction terms.
     */
    public record ObjectiveWeights(double cleanWeight, double mseWeight, boolean clean) {
    }

    /** The objective's value and its terms: {@code ce.clean.I}, {@code ce.adv.I} (pass I), {@code mse.I.K}. */
    public record ObjectiveValue(double loss, Map<String, Double> terms) {
    }

    private SameDiff objectiveGraph;
    private ObjectiveWeights objectiveWeights;
    private List<String> objectiveTerms = List.of();

    /**
     * The CNN-F training objective on a clean batch and its adversarial counterpart (spec CNNF 5.2): cross-
     * entropy of the clean (weighted) and adversarial logits of every pass, divided by 2(C+1), plus, for every
     * cycle, the mean squared error between the adversarial half's reconstructions and the clean half's
     * first-pass features at each level, weighted mseWeight/(K C). Nothing is detached. The two halves run as
     * two model instances sharing the parameters, which equals running the concatenated batch because no
     * layer couples samples. The parameter gradients are written to this layer's gradient view.
     */
    public ObjectiveValue objective(INDArray clean, INDArray adv, INDArray labels, ObjectiveWeights w) {
        FeedbackNetwork c = layerConf();
        if (objectiveGraph == null || !w.equals(objectiveWeights)) {
            SameDiff sd = SameDiff.create();
            SDVariable xc = sd.placeHolder("clean", dataType, -1, c.getChannels(), c.getHeight(), c.getWidth());
            SDVariable xa = sd.placeHolder("adv", dataType, -1, c.getChannels(), c.getHeight(), c.getWidth());
            SDVariable y = sd.placeHolder("y", dataType, -1, c.getNOut());
            Map<String, SDVariable> vars = bindParams(sd, params, dataType);
            FeedbackModel mc = c.model();
            FeedbackModel ma = c.model();
            mc.bind(sd, vars);
            ma.bind(sd, vars);
            mc.reset();
            ma.reset();
            FeedbackModel.FirstPass pc = mc.first(xc);
            FeedbackModel.FirstPass pa = ma.first(xa);
            int cycles = mc.cycles();
            double passWeight = w.clean() ? 1.0 / (2 * (cycles + 1)) : 1.0 / (cycles + 1);
            List<String> terms = new ArrayList<>();
            SDVariable lc = pc.logits();
            SDVariable la = pa.logits();
            SDVariable loss = passTerm(sd, lc, la, y, w, passWeight, 0, terms);
            int levels = 1 + pc.targets().size();
            SDVariable fc = pc.origin();
            SDVariable fa = pa.origin();
            for (int i = 1; i <= cycles; i++) {
                FeedbackModel.Reconstruction rc = mc.feedback(lc);
                FeedbackModel.Reconstruction ra = ma.feedback(la);
                SDVariable mse = mse(sd, ra.origin(), pc.origin(), "mse." + i + ".0", terms);
                for (int k = 0; k < pc.targets().size(); k++) {
                    mse = mse.add(mse(sd, ra.targets().get(k), pc.targets().get(k), "mse." + i + "." + (k + 1), terms));
                }
                loss = loss.add(mse.mul(w.mseWeight() / (levels * cycles)));
                fc = fc.add(rc.origin().sub(fc).mul(mc.mix()));
                fa = fa.add(ra.origin().sub(fa).mul(ma.mix()));
                lc = mc.later(fc);
                la = ma.later(fa);
                loss = loss.add(passTerm(sd, lc, la, y, w, passWeight, i, terms));
            }
            sd.identity("loss", loss);
            sd.setLossVariables("loss");
            associate(sd, params);
            if (!listeners.isEmpty()) sd.setListeners(listeners.toArray(new org.nd4j.autodiff.listeners.Listener[0]));
            objectiveGraph = sd;
            objectiveWeights = w;
            objectiveTerms = terms;
        }
        long n = clean.size(0);
        if (adv.size(0) != n || labels.size(0) != n) {
            throw new IllegalArgumentException("clean, adversarial and label batches differ in size: " + n + ", "
                    + adv.size(0) + ", " + labels.size(0));
        }
        // Every term is a mean over samples (the MSE's element mean too: all samples have the same size), so the
        // objective of the batch is the size-weighted mean of the objectives of its pieces, and so is its gradient.
        for (INDArray v : gradientViews.values()) v.assign(0);
        Map<String, Double> t = new LinkedHashMap<>();
        double loss = 0;
        List<String> outs = new ArrayList<>(objectiveTerms);
        outs.add("loss");
        // bind the parameters once for all chunks: they do not change during the call
        ClosingMemoryManager[] mm = prepare(objectiveGraph, true);
        for (long from = 0; from < n; from += OBJECTIVE_CHUNK) {
            long to = Math.min(n, from + OBJECTIVE_CHUNK);
            double weight = (double) (to - from) / n;
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                Map<String, INDArray> ph = new HashMap<>();
                ph.put("clean", rows(clean, from, to));
                ph.put("adv", rows(adv, from, to));
                ph.put("y", rows(labels, from, to));
                try {
                    var og = objectiveGraph.calculateGradientsAndOutputs(ph, outs, params.keySet());
                    for (String p : params.keySet()) {
                        INDArray v = og.getGradients().get(p);
                        if (v != null) gradientViews.get(p).addi(v.reshape(gradientViews.get(p).shape()).mul(weight));
                    }
                    for (String name : objectiveTerms) t.merge(name, weight * og.getOutputs().get(name).getDouble(0), Double::sum);
                    loss += weight * og.getOutputs().get("loss").getDouble(0);
                } finally {
                    recycle(mm);
                }
            }
        }
        return new ObjectiveValue(loss, t);
    }

    private INDArray rows(INDArray a, long from, long to) {
        INDArray r = from == 0 && to == a.size(0) ? a : a.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to));
        return r.castTo(dataType).dup('c').detach();
    }

    private static SDVariable ce(SameDiff sd, SDVariable logits, SDVariable y, String name, List<String> terms) {
        SDVariable v = sd.identity(name, y.mul(sd.nn().logSoftmax(logits)).sum(1).mean().neg());
        terms.add(name);
        return v;
    }

    private static SDVariable mse(SameDiff sd, SDVariable a, SDVariable b, String name, List<String> terms) {
        SDVariable d = a.sub(b);
        SDVariable v = sd.identity(name, d.mul(d).mean());
        terms.add(name);
        return v;
    }

    private static SDVariable passTerm(SameDiff sd, SDVariable lc, SDVariable la, SDVariable y, ObjectiveWeights w,
                                       double passWeight, int pass, List<String> terms) {
        SDVariable adv = ce(sd, la, y, "ce.adv." + pass, terms);
        SDVariable cl = ce(sd, lc, y, "ce.clean." + pass, terms);
        SDVariable t = w.clean() ? cl.mul(w.cleanWeight()).add(adv) : adv;
        return t.mul(passWeight);
    }

    private SameDiff passesGraph;
    private List<String> passesOutputs = List.of();

    /**
     * Every intermediate of inference for inspection: {@code logits0} (first pass) ... {@code logitsC},
     * {@code origin} (the first pass's representation at the reconstruction level), {@code reconI} (the
     * reconstruction of cycle I at that level) and {@code targetK} / {@code reconI.targetK} (the first pass's
     * features at the model's other reconstruction levels and their reconstructions).
     */
    public Map<String, INDArray> passes(INDArray input) {
        FeedbackNetwork c = layerConf();
        if (passesGraph == null) {
            FeedbackModel m = c.model();
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.placeHolder("x", dataType, -1, c.getChannels(), c.getHeight(), c.getWidth());
            m.bind(sd, bindParams(sd, params, dataType));
            m.reset();
            List<String> names = new ArrayList<>();
            FeedbackModel.FirstPass fp = m.first(x);
            SDVariable logits = sd.identity("logits0", fp.logits());
            names.add("logits0");
            names.add(sd.identity("origin", fp.origin()).name());
            for (int k = 0; k < fp.targets().size(); k++) names.add(sd.identity("target" + k, fp.targets().get(k)).name());
            SDVariable ff = fp.origin();
            for (int i = 1; i <= m.cycles(); i++) {
                FeedbackModel.Reconstruction r = m.feedback(logits);
                names.add(sd.identity("recon" + i, r.origin()).name());
                for (int k = 0; k < r.targets().size(); k++) {
                    names.add(sd.identity("recon" + i + ".target" + k, r.targets().get(k)).name());
                }
                ff = ff.add(r.origin().sub(ff).mul(m.mix()));
                logits = sd.identity("logits" + i, m.later(ff));
                names.add("logits" + i);
            }
            associate(sd, params);
            passesGraph = sd;
            passesOutputs = names;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray x = input.castTo(dataType).detach();
            ClosingMemoryManager[] mm = prepare(passesGraph, false);
            try {
                Map<String, INDArray> out = new LinkedHashMap<>();
                passesGraph.output(Map.of("x", x), passesOutputs.toArray(new String[0]))
                        .forEach((k, v) -> out.put(k, v.dup()));
                return out;
            } finally {
                recycle(mm);
            }
        }
    }

    private INDArray checkedInput() {
        FeedbackNetwork c = layerConf();
        INDArray x = input;
        if (x.rank() == 2 && x.size(1) == c.getChannels() * c.getHeight() * c.getWidth()) {
            x = x.reshape('c', x.size(0), c.getChannels(), c.getHeight(), c.getWidth());
        }
        if (x.rank() != 4 || x.size(1) != c.getChannels() || x.size(2) != c.getHeight() || x.size(3) != c.getWidth()) {
            throw new PnnException("feedback model '" + c.getLayerName() + "' takes inputs [N, " + c.getChannels() + ", "
                    + c.getHeight() + ", " + c.getWidth() + "], got " + java.util.Arrays.toString(x.shape()));
        }
        return x.castTo(dataType);
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr mgr) {
        assertInputSet(false);
        INDArray out;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray x = checkedInput().detach();
            Built b = graph(output);
            ClosingMemoryManager[] mm = prepare(b.sd(), false);
            try {
                out = b.sd().outputSingle(Map.of("x", x), b.logits()).dup();
            } finally {
                recycle(mm);
            }
        }
        return mgr.dup(ArrayType.ACTIVATIONS, out);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        Map<String, INDArray> grads;
        Gradient g = new DefaultGradient();
        INDArray dx;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray x = checkedInput().detach();
            Built b = graph(output);
            List<String> wanted = new ArrayList<>(b.params());
            wanted.add("x");
            Map<String, INDArray> ph = new HashMap<>();
            ph.put("x", x);
            ph.put("eps", epsilon.castTo(dataType).detach());
            ClosingMemoryManager[] mm = prepare(b.sd(), true);
            try {
                grads = b.sd().calculateGradients(ph, wanted);
                for (String p : params.keySet()) {
                    INDArray view = gradientViews.get(p);
                    INDArray v = grads.get(p);
                    if (v == null) view.assign(0);
                    else view.assign(v.reshape(view.shape()));
                    g.setGradientFor(p, view);
                }
                INDArray d = grads.get("x");
                dx = d == null ? Nd4j.zeros(dataType, input.shape()) : d.reshape(input.shape()).dup();
            } finally {
                recycle(mm);
            }
        }
        return new Pair<>(g, mgr.dup(ArrayType.ACTIVATION_GRAD, dx));
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    @Override
    public boolean hasBias() {
        return false;
    }
}
