package org.pnnlab.api.capability;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.PnnException;

/** Finds the layer of a network that offers a capability. */
public final class Capabilities {
    private Capabilities() {
    }

    /** The network's one layer implementing {@code capability}, or null; more than one is an error. */
    public static <T> @Nullable T find(ComputationGraph net, Class<T> capability) {
        T found = null;
        for (Layer l : net.getLayers()) {
            if (capability.isInstance(l)) {
                if (found != null) {
                    throw new PnnException("the network has more than one layer offering " + capability.getSimpleName()
                            + "; attacks and training objectives need at most one");
                }
                found = capability.cast(l);
            }
        }
        return found;
    }

    /** Every layer of the network implementing {@code capability}, in layer order (empty if none). */
    public static <T> java.util.List<T> all(ComputationGraph net, Class<T> capability) {
        java.util.List<T> out = new java.util.ArrayList<>();
        for (Layer l : net.getLayers()) if (capability.isInstance(l)) out.add(capability.cast(l));
        return out;
    }
}
