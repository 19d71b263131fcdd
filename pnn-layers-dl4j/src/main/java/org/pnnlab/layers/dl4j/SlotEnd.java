package org.pnnlab.layers.dl4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.pnnlab.api.LayerBlock;

/**
 * The end of a convolution-like slot, shared by every plugin that has an {@code act} parameter: the slot's core
 * layers, then an optional batch norm, then the activation. The activation is built once here for all of them:
 * <ul>
 *   <li>a fixed function ({@link Activations#SLOT_NAMES} but prelu): inside the batch norm, or else an
 *       {@link OutOfPlaceActivation} layer (never DL4J's in-place {@code ActivationLayer});</li>
 *   <li>{@code prelu}: the whole slot in a {@link PReLUBlock} with one learnable slope at its end;</li>
 *   <li>{@code srelu}: a {@link ShiftedRelu} layer with its learnable per-channel shift.</li>
 * </ul>
 */
public final class SlotEnd {
    /** The shifted ReLU's name among the slot activations. */
    public static final String SRELU = "srelu";

    /** Every activation a convolution-like slot may end with. */
    public static final List<String> ACTIVATIONS;

    static {
        List<String> names = new ArrayList<>(Activations.SLOT_NAMES);
        names.add(SRELU);
        ACTIVATIONS = Collections.unmodifiableList(names);
    }

    private SlotEnd() {
    }

    /**
     * @param name the slot's name (prefix of the added layers' names)
     * @param core the slot's layers before the batch norm, each without an activation of its own
     * @param channels the core's output channels
     * @param batchNorm builds the batch norm with a given activation, or null for a slot without one
     * @param act one of {@link #ACTIVATIONS}
     */
    public static LayerBlock block(String name, List<? extends Layer> core, long channels,
                                   @Nullable Function<IActivation, BatchNorm> batchNorm, String act) {
        List<Layer> layers = new ArrayList<>(core);
        switch (act) {
            case "prelu" -> {
                if (batchNorm != null) layers.add(batchNorm.apply(new ActivationIdentity()));
                List<Boolean> sites = new ArrayList<>();
                for (int i = 0; i < layers.size(); i++) sites.add(i == layers.size() - 1);
                return LayerBlock.of(PReLUBlock.of(name + "_prelu", layers, sites));
            }
            case SRELU -> {
                if (batchNorm != null) layers.add(batchNorm.apply(new ActivationIdentity()));
                layers.add(ShiftedRelu.of(name + "_srelu", channels));
            }
            default -> {
                IActivation a = Activations.dl4j(act);
                if (batchNorm != null) layers.add(batchNorm.apply(a));
                else if (!(a instanceof ActivationIdentity)) layers.add(OutOfPlaceActivation.of(name + "_act", a));
            }
        }
        return LayerBlock.of(layers);
    }
}
