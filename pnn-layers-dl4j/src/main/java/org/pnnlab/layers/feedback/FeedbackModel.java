package org.pnnlab.layers.feedback;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.pnnlab.api.feedback.FeedbackLayer;
import org.pnnlab.api.feedback.FeedbackScope;

/**
 * A model of feedback layers with its three passes (spec CNNF 2 and 4): the first pass from the input, the
 * later passes from the mixed representation at the reconstruction level, and the feedback pass from the
 * logits. Layers are named (letters, digits, no dots or underscores); their parameters are stored as
 * {@code <layer>.<param>}.
 */
public abstract class FeedbackModel {
    /** The result of a first pass: logits, the representation later passes start from, reconstruction targets. */
    public record FirstPass(SDVariable logits, SDVariable origin, List<SDVariable> targets) {
    }

    /** The result of a feedback pass: the reconstruction at the origin level and at each target level. */
    public record Reconstruction(SDVariable origin, List<SDVariable> targets) {
    }

    private final LinkedHashMap<String, FeedbackLayer> layers = new LinkedHashMap<>();
    private final long[] outputShape;
    private final int cycles;
    private final double mix;
    private SameDiff sd;
    private Map<String, SDVariable> params = Map.of();

    /**
     * @param outputShape one sample's output shape
     * @param cycles      feedback cycles of inference
     * @param mix         the step toward the reconstruction in each cycle: ff := ff + mix (recon - ff)
     */
    protected FeedbackModel(long[] outputShape, int cycles, double mix) {
        this.outputShape = outputShape.clone();
        this.cycles = cycles;
        this.mix = mix;
    }

    /** Registers a layer; call in a fixed order from the constructor. Returns it. */
    protected final FeedbackLayer add(String name, FeedbackLayer layer) {
        if (!name.matches("[A-Za-z][A-Za-z0-9]*")) throw new IllegalArgumentException("bad layer name " + name);
        if (layers.putIfAbsent(name, layer) != null) throw new IllegalArgumentException("duplicate layer " + name);
        return layer;
    }

    public final Map<String, FeedbackLayer> layers() {
        return layers;
    }

    /** Binds the graph and the parameter variables ({@code <layer>.<param>}) before a pass is built. */
    final void bind(SameDiff sd, Map<String, SDVariable> params) {
        this.sd = sd;
        this.params = params;
    }

    private FeedbackScope scope(String layer) {
        SameDiff g = sd;
        Map<String, SDVariable> p = params;
        return new FeedbackScope() {
            @Override
            public SameDiff sd() {
                return g;
            }

            @Override
            public SDVariable param(String name) {
                SDVariable v = p.get(layer + "." + name);
                if (v == null) throw new IllegalStateException("no parameter " + layer + "." + name);
                return v;
            }
        };
    }

    private FeedbackLayer layer(String name) {
        FeedbackLayer l = layers.get(name);
        if (l == null) throw new IllegalArgumentException("no layer " + name);
        return l;
    }

    /** Runs one layer bottom-up. */
    protected final SDVariable fwd(String layer, SDVariable x) {
        return layer(layer).forward(scope(layer), x);
    }

    /** Runs one layer top-down. */
    protected final SDVariable fb(String layer, SDVariable t) {
        return layer(layer).feedback(scope(layer), t);
    }

    /** Runs layers bottom-up in the given order. */
    protected final SDVariable fwd(SDVariable x, String... names) {
        SDVariable v = x;
        for (String n : names) v = fwd(n, v);
        return v;
    }

    /** Runs layers top-down in the given order (pass them top first). */
    protected final SDVariable fb(SDVariable t, String... names) {
        SDVariable v = t;
        for (String n : names) v = fb(n, v);
        return v;
    }

    /** One sample's output shape. */
    public final long[] outputShape() {
        return outputShape.clone();
    }

    /** Feedback cycles of inference. */
    public final int cycles() {
        return cycles;
    }

    /** The step toward the reconstruction in each cycle: ff := ff + r (recon - ff). */
    public final double mix() {
        return mix;
    }

    public abstract FirstPass first(SDVariable x);

    public abstract SDVariable later(SDVariable ff);

    public abstract Reconstruction feedback(SDVariable logits);

    /** Forgets every layer's state. */
    public void reset() {
        for (FeedbackLayer l : layers.values()) l.reset();
    }
}
