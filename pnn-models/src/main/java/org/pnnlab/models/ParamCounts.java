package org.pnnlab.models;

import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pnnlab.api.ParamKind;
import org.pnnlab.api.ParamKinds;

/** Parameter counts of a network by kind: trainable, fixed (masks, binary filters) and statistics. */
public record ParamCounts(long trainable, long fixed, long statistics) {

    public static ParamKind kindOf(Layer layer, String param) {
        return layer.conf().getLayer() instanceof ParamKinds k ? k.kindOf(param) : ParamKind.TRAINABLE;
    }

    public static ParamCounts of(Layer layer) {
        long t = 0, f = 0, s = 0;
        for (Map.Entry<String, INDArray> e : layer.paramTable().entrySet()) {
            long n = e.getValue().length();
            switch (kindOf(layer, e.getKey())) {
                case TRAINABLE -> t += n;
                case FIXED -> f += n;
                case STATISTIC -> s += n;
            }
        }
        return new ParamCounts(t, f, s);
    }

    public static ParamCounts of(ComputationGraph net) {
        long t = 0, f = 0, s = 0;
        for (Layer l : net.getLayers()) {
            ParamCounts c = of(l);
            t += c.trainable;
            f += c.fixed;
            s += c.statistics;
        }
        return new ParamCounts(t, f, s);
    }
}
