package org.pnnlab.models;

import java.util.LinkedHashMap;
import java.util.Map;
import org.pnnlab.api.PnnException;

/**
 * What to build: a model by name, its input shape and class count, the layer plugin for the first slot and
 * for every other slot (with their raw parameters), the model's own options, and the seed that fixes masks.
 */
public record ModelSpec(String model, int channels, int height, int width, int classes, String firstLayer,
                        Map<String, Object> firstLayerParams, String layer, Map<String, Object> layerParams,
                        Map<String, Object> options, long seed) {
    public ModelSpec {
        firstLayerParams = Map.copyOf(firstLayerParams);
        layerParams = Map.copyOf(layerParams);
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
        if (channels < 1 || height < 1 || width < 1) {
            throw new PnnException("input shape " + channels + "x" + height + "x" + width + " is empty");
        }
        if (classes < 2) throw new PnnException("a classifier needs at least 2 classes, got " + classes);
    }

    public static ModelSpec of(String model, int channels, int height, int width, String firstLayer, String layer) {
        return new ModelSpec(model, channels, height, width, 10, firstLayer, Map.of(), layer, Map.of(), Map.of(), 1);
    }

    public ModelSpec withLayerParams(Map<String, ?> first, Map<String, ?> rest) {
        return new ModelSpec(model, channels, height, width, classes, firstLayer, Map.copyOf(first), layer,
                Map.copyOf(rest), options, seed);
    }

    public ModelSpec withOptions(Map<String, ?> opts) {
        return new ModelSpec(model, channels, height, width, classes, firstLayer, firstLayerParams, layer,
                layerParams, Map.copyOf(opts), seed);
    }

    public ModelSpec withSeed(long newSeed) {
        return new ModelSpec(model, channels, height, width, classes, firstLayer, firstLayerParams, layer,
                layerParams, options, newSeed);
    }
}
