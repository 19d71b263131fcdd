package org.pnnlab.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** A per-layer table of a built model: output shape and parameter counts by kind. */
public record ModelSummary(List<Row> rows, ParamCounts totals) {

    public record Row(String name, String type, String outputShape, ParamCounts params) {
    }

    public static ModelSummary of(ComputationGraph net, InputType input) {
        Map<String, InputType> types = net.getConfiguration().getLayerActivationTypes(input);
        List<Row> rows = new ArrayList<>();
        int[] order = net.topologicalSortOrder();
        for (int idx : order) {
            var v = net.getVertices()[idx];
            if (v.isInputVertex()) continue;
            String name = v.getVertexName();
            InputType t = types.get(name);
            ParamCounts pc = v.hasLayer() ? ParamCounts.of(v.getLayer()) : new ParamCounts(0, 0, 0);
            String type = v.hasLayer() ? v.getLayer().conf().getLayer().getClass().getSimpleName()
                    : v.getClass().getSimpleName();
            rows.add(new Row(name, type, shape(t), pc));
        }
        return new ModelSummary(rows, ParamCounts.of(net));
    }

    static String shape(InputType t) {
        if (t == null) return "?";
        if (t instanceof InputType.InputTypeConvolutional c) return c.getChannels() + "x" + c.getHeight() + "x" + c.getWidth();
        if (t instanceof InputType.InputTypeFeedForward f) return Long.toString(f.getSize());
        return t.toString();
    }

    /** Plain-text table. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-22s %-18s %-14s %14s %14s %12s%n";
        sb.append(String.format(Locale.ROOT, fmt, "layer", "type", "output", "trainable", "fixed values", "statistics"));
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, fmt, r.name, r.type, r.outputShape, n(r.params.trainable()),
                    n(r.params.fixed()), n(r.params.statistics())));
        }
        sb.append(String.format(Locale.ROOT, fmt, "total", "", "", n(totals.trainable()), n(totals.fixed()),
                n(totals.statistics())));
        return sb.toString();
    }

    private static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
