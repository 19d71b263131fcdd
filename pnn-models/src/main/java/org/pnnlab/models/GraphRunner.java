package org.pnnlab.models;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs a single-input graph forward up to a chosen vertex and back-propagates an arbitrary gradient given at
 * that vertex, returning the gradient with respect to the input and to every parameter. Used for input
 * gradients (attacks) and reference checks; training uses DL4J's own {@code fit}.
 */
public final class GraphRunner {
    private final ComputationGraph net;
    private final Map<String, INDArray> activations = new LinkedHashMap<>();
    private final Map<String, long[]> nanos = new LinkedHashMap<>(); // vertex -> {forward, backward}
    private boolean timing;
    private String target = "";

    public GraphRunner(ComputationGraph net) {
        this.net = net;
        if (net.getConfiguration().getNetworkInputs().size() != 1) {
            throw new IllegalArgumentException("GraphRunner supports graphs with one input");
        }
    }

    /** Forward pass from the input to {@code vertex}; returns that vertex's activation. */
    public INDArray forward(INDArray x, String vertex, boolean training) {
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        activations.clear();
        target = vertex;
        net.setInput(0, x); // preprocessors read the batch size from the graph's input
        for (int idx : net.topologicalSortOrder()) {
            GraphVertex v = net.getVertices()[idx];
            String name = v.getVertexName();
            INDArray out;
            if (v.isInputVertex()) {
                out = x;
            } else {
                VertexIndices[] ins = v.getInputVertices();
                for (int i = 0; i < ins.length; i++) {
                    String src = net.getVertices()[ins[i].getVertexIndex()].getVertexName();
                    INDArray a = activations.get(src);
                    if (a == null) throw new IllegalStateException("vertex " + name + " needs " + src + " first");
                    v.setInput(i, a, mgr);
                }
                long t0 = timing ? System.nanoTime() : 0;
                out = v.doForward(training, mgr);
                if (timing) nanos.computeIfAbsent(name, k -> new long[2])[0] += System.nanoTime() - t0;
            }
            activations.put(name, out);
            if (name.equals(vertex)) return out;
        }
        throw new IllegalArgumentException("no vertex named " + vertex);
    }

    /** Turns per-vertex timing on (and clears it). */
    public void time(boolean on) {
        timing = on;
        nanos.clear();
    }

    /** Accumulated nanoseconds per vertex: {forward, backward}. */
    public Map<String, long[]> timings() {
        return nanos;
    }

    /** The activations of the last forward pass, by vertex name. */
    public Map<String, INDArray> activations() {
        return activations;
    }

    /**
     * Back-propagates {@code gradAtTarget} (dL/d(target activation)) after {@link #forward}; returns dL/dx
     * and puts copies of the parameter gradients into {@code paramGrads} as {@code vertex_param} (null: no copies;
     * the gradients stay in the network's gradient view either way).
     */
    public INDArray backward(INDArray gradAtTarget, @Nullable Map<String, INDArray> paramGrads) {
        if (net.getGradientsViewArray() == null) net.initGradientsView();
        LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        Map<String, INDArray> eps = new HashMap<>();
        eps.put(target, gradAtTarget);
        int[] order = net.topologicalSortOrder();
        INDArray inputGrad = null;
        for (int k = order.length - 1; k >= 0; k--) {
            GraphVertex v = net.getVertices()[order[k]];
            String name = v.getVertexName();
            if (!activations.containsKey(name)) continue; // beyond the target
            INDArray e = eps.get(name);
            if (e == null) continue; // does not reach the target
            if (v.isInputVertex()) {
                inputGrad = e;
                continue;
            }
            v.setEpsilon(e);
            long t0 = timing ? System.nanoTime() : 0;
            Pair<Gradient, INDArray[]> p = v.doBackward(false, mgr);
            if (timing) nanos.computeIfAbsent(name, kk -> new long[2])[1] += System.nanoTime() - t0;
            if (paramGrads != null && p.getFirst() != null) {
                for (var g : p.getFirst().gradientForVariable().entrySet()) {
                    paramGrads.put(name + "_" + g.getKey(), g.getValue().dup());
                }
            }
            VertexIndices[] ins = v.getInputVertices();
            for (int i = 0; i < ins.length; i++) {
                INDArray gi = p.getSecond()[i];
                if (gi == null) continue;
                String src = net.getVertices()[ins[i].getVertexIndex()].getVertexName();
                eps.merge(src, gi.dup(), INDArray::addi);
            }
        }
        if (inputGrad == null) throw new IllegalStateException("the input does not reach " + target);
        return inputGrad;
    }

    /** dL/dx for L = sum(activation(vertex) * g). */
    public INDArray inputGradient(INDArray x, String vertex, INDArray g, boolean training) {
        forward(x, vertex, training);
        return backward(g, new HashMap<>());
    }
}
