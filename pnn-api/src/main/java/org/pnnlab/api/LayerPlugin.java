package org.pnnlab.api;

import java.util.List;
import java.util.Map;

/**
 * A kind of layer that can fill a convolution slot of any model. Implementations are found with
 * {@link java.util.ServiceLoader}: list the class in {@code META-INF/services/org.pnnlab.api.LayerPlugin}.
 *
 * <p>A plugin must have a public no-argument constructor. {@link #create} receives parameters that were
 * already validated against {@link #parameters()}, and the slot's shape; it returns DL4J layer
 * configurations. It should throw {@link PnnException} for combinations it cannot build (naming the
 * slot, the value and the rule), never a raw exception from deep inside ND4J.
 */
public interface LayerPlugin {
    /** Stable id used on the command line and in saved runs, e.g. {@code conv}. Lower case, no spaces. */
    String id();

    /** One line: what the layer computes. */
    String description();

    /** The parameters this plugin takes, with defaults, ranges and documentation. */
    List<ParamSpec> parameters();

    /** Builds the DL4J layers for one slot. */
    LayerBlock create(LayerParams params, LayerContext context);

    /** Validates raw values (strings from the command line or typed values) against {@link #parameters()}. */
    default LayerParams params(Map<String, ?> raw) {
        return LayerParams.validate(id(), parameters(), raw);
    }

    /** Validates and builds in one call. */
    default LayerBlock create(Map<String, ?> raw, LayerContext context) {
        return create(params(raw), context);
    }
}
