package org.pnnlab.layers;

import java.util.ArrayList;
import java.util.List;
import org.pnnlab.api.LayerBlock;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerPlugin;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.layers.dl4j.ReparamConv;
import org.pnnlab.layers.dl4j.SlotEnd;

/**
 * A plugin whose slot is a convolution with a reparametrised kernel ({@link ReparamConv}) followed by batch norm
 * and an activation: the parameters of {@code conv} plus the subclass's own, and the block around the
 * convolution the subclass builds.
 */
abstract class ReparamConvPlugin implements LayerPlugin {
    private final String id;
    private final String description;
    private final List<ParamSpec> parameters;

    /** @param extra the parameters after those of {@code conv} */
    protected ReparamConvPlugin(String id, String description, ParamSpec... extra) {
        this.id = id;
        this.description = description;
        List<ParamSpec> ps = new ArrayList<>(ConvPlugin.PARAMS);
        ps.addAll(List.of(extra));
        this.parameters = List.copyOf(ps);
    }

    /**
     * The slot's convolution.
     *
     * @param slot the slot's name (the convolution's name starts with it)
     * @param padding the checked padding of {@code conv}'s parameters
     * @param p all the slot's parameters, for the subclass's own
     */
    protected abstract ReparamConv convolution(String slot, long in, long out, int kernel, int stride, int padding,
                                               boolean bias, LayerParams p);

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final String description() {
        return description;
    }

    @Override
    public final List<ParamSpec> parameters() {
        return parameters;
    }

    @Override
    public final LayerBlock create(LayerParams p, LayerContext ctx) {
        ReparamConv conv = convolution(ctx.slotName(), ctx.inChannels(), ctx.outChannels(), p.getInt("kernel"),
                p.getInt("stride"), ConvPlugin.padding(p, ctx), p.getBoolean("bias"), p);
        return SlotEnd.block(ctx.slotName(), List.of(conv), ctx.outChannels(), ConvPlugin.batchNorm(p, ctx),
                p.getString("act"));
    }
}
