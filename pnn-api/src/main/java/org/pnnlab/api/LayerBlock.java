package org.pnnlab.api;

import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * What a plugin builds for one slot: DL4J layer configurations applied in order. The model builder names
 * and wires them; every layer after the first takes the previous one's output.
 */
public record LayerBlock(List<Layer> layers) {
    public LayerBlock {
        layers = List.copyOf(layers);
        if (layers.isEmpty()) throw new IllegalArgumentException("a layer block needs at least one layer");
    }

    public static LayerBlock of(Layer... layers) {
        return new LayerBlock(Arrays.asList(layers));
    }

    public static LayerBlock of(List<? extends Layer> layers) {
        return new LayerBlock(List.copyOf(layers));
    }
}
