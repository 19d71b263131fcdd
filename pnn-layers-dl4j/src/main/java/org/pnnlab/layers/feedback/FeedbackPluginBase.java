package org.pnnlab.layers.feedback;

import java.util.List;
import org.pnnlab.api.LayerBlock;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.api.feedback.FeedbackPlugin;

/**
 * Id, description and parameters of a feedback plugin; {@link #create} gives the layer as a feed-forward
 * slot (a {@link FeedbackNetwork} of this one layer run bottom-up only).
 */
abstract class FeedbackPluginBase implements FeedbackPlugin {
    private final String id;
    private final String description;
    private final List<ParamSpec> parameters;

    FeedbackPluginBase(String id, String description, List<ParamSpec> parameters) {
        this.id = id;
        this.description = description;
        this.parameters = parameters;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public List<ParamSpec> parameters() {
        return parameters;
    }

    @Override
    public LayerBlock create(LayerParams params, LayerContext context) {
        return LayerBlock.of(FeedbackNetwork.singleLayer(id, params, context));
    }
}
