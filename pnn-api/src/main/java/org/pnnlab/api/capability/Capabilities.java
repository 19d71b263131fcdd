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
}
