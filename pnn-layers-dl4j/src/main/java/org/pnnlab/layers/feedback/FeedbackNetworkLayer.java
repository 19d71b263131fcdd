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
public class FeedbackNetworkLayer extends BaseLayer<FeedbackNetwork> {
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

    /** The graph's parameter variables, bound to this layer's parameter views. */
    static Map<String, SDVariable> bindParams(SameDiff sd, Map<String, INDArray> params, DataType dt) {
        Map<String, SDVariable> vars = new LinkedHashMap<>();
        for (var e : params.entrySet()) vars.put(e.getKey(), sd.var(e.getKey(), dt, e.getValue().shape()));
        return vars;
    }

    static void associate(SameDiff sd, Map<String, INDArray> params) {
        for (var e : params.entrySet()) sd.associateArrayWithVariable(e.getValue(), sd.getVariable(e.getKey()));
    }

    private Built graph(Output o) {
        return graphs.computeIfAbsent(o, k -> {
            FeedbackNetwork c = layerConf();
            FeedbackModel m = c.model();
            SameDiff sd = SameDiff.create();
            SDVariable x = sd.placeHolder("x", dataType, -1, c.getChannels(), c.getHeight(), c.getWidth());
            Map<String, SDVariable> vars = bindParams(sd, params, dataType);
            m.bind(sd, vars);
            List<SDVariable> all = unroll(m, x);
            SDVariable logits = switch (k) {
                case FIRST -> all.get(0);
                case LAST -> all.get(all.size() - 1);
                case AVERAGE -> {
                    SDVariable sum = all.get(0);
                    for (int i = 1; i < all.size(); i++) sum = sum.add(all.get(i));
                    yield sum.div(all.size());
                }
            };
            logits = sd.identity("logits", logits);
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
            objectiveGraph = sd;
            objectiveWeights = w;
            objectiveTerms = terms;
        }
        Map<String, INDArray> ph = new HashMap<>();
        Map<String, INDArray> grads;
        Map<String, INDArray> values;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            ph.put("clean", clean.castTo(dataType).detach());
            ph.put("adv", adv.castTo(dataType).detach());
            ph.put("y", labels.castTo(dataType).detach());
            List<String> outs = new ArrayList<>(objectiveTerms);
            outs.add("loss");
            values = objectiveGraph.output(ph, outs.toArray(new String[0]));
            grads = objectiveGraph.calculateGradients(ph, params.keySet());
        }
        for (String p : params.keySet()) {
            INDArray v = grads.get(p);
            if (v == null) gradientViews.get(p).assign(0);
            else gradientViews.get(p).assign(v.reshape(gradientViews.get(p).shape()));
        }
        Map<String, Double> t = new LinkedHashMap<>();
        for (String n : objectiveTerms) t.put(n, values.get(n).getDouble(0));
        return new ObjectiveValue(values.get("loss").getDouble(0), t);
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
            return passesGraph.output(Map.of("x", x), passesOutputs.toArray(new String[0]));
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
            out = b.sd().outputSingle(Map.of("x", x), b.logits());
        }
        return mgr.dup(ArrayType.ACTIVATIONS, out);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
        assertInputSet(true);
        Map<String, INDArray> grads;
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            INDArray x = checkedInput().detach();
            Built b = graph(output);
            List<String> wanted = new ArrayList<>(b.params());
            wanted.add("x");
            Map<String, INDArray> ph = new HashMap<>();
            ph.put("x", x);
            ph.put("eps", epsilon.castTo(dataType).detach());
            grads = b.sd().calculateGradients(ph, wanted);
        }
        Gradient g = new DefaultGradient();
        for (String p : params.keySet()) {
            INDArray view = gradientViews.get(p);
            INDArray v = grads.get(p);
            if (v == null) view.assign(0);
            else view.assign(v.reshape(view.shape()));
            g.setGradientFor(p, view);
        }
        INDArray dx = grads.get("x");
        if (dx == null) dx = Nd4j.zeros(dataType, input.shape());
        return new Pair<>(g, mgr.dup(ArrayType.ACTIVATION_GRAD, dx.reshape(input.shape())));
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
