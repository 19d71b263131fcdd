package org.pnnlab.api.feedback;

import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerPlugin;

/**
 * A layer plugin whose layers can also run in feedback mode. It is registered like any other plugin (in
 * {@code META-INF/services/org.pnnlab.api.LayerPlugin}); feedback models ask the registry for plugins of this
 * type. {@link LayerPlugin#create} still gives the layer as an ordinary feed-forward DL4J layer, so a feedback
 * layer can fill a slot of any model.
 */
public interface FeedbackPlugin extends LayerPlugin {
    /**
     * A fresh layer for one graph being built. The context gives the input channels and size and, where it
     * applies, the output channels; linear layers use channels as features and a 1x1 size.
     */
    FeedbackLayer createFeedback(LayerParams params, LayerContext context);

    /** Validates and builds in one call. */
    default FeedbackLayer createFeedback(java.util.Map<String, ?> raw, LayerContext context) {
        return createFeedback(params(raw), context);
    }
}
