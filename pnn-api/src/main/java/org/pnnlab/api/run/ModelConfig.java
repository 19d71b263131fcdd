package org.pnnlab.api.run;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The model of a run: its architecture, the architecture's own options, and the layer of each group of slots.
 *
 * @param name a model name ({@code lenet}, {@code resnet18}, {@code cnnf}, ...; see {@code pnn list})
 * @param options the model's options by name (validated against the model's declared options)
 * @param firstSlot the layer of the first slot
 * @param otherSlots the layer of every other slot: the layer under test
 * @param varied which slots the layer under test fills; with {@link VariedSlots#ALL} the first slot equals the others
 */
public record ModelConfig(String name, Map<String, Object> options, LayerChoice firstSlot, LayerChoice otherSlots,
                          VariedSlots varied) {
    public ModelConfig {
        Checks.nonNull(name, "model.name");
        Checks.nonNull(firstSlot, "model.firstSlot");
        Checks.nonNull(otherSlots, "model.otherSlots");
        Checks.nonNull(varied, "model.varied");
        options = Collections.unmodifiableMap(new LinkedHashMap<>(options == null ? Map.of() : options));
        if (varied == VariedSlots.ALL && !firstSlot.equals(otherSlots)) {
            throw new org.pnnlab.api.PnnException("model.varied is 'all' but model.firstSlot (" + firstSlot.id()
                    + ") differs from model.otherSlots (" + otherSlots.id() + "); use 'all-but-first' or make them equal");
        }
    }

    /** {@code layer} in every slot. */
    public static ModelConfig everySlot(String name, Map<String, ?> options, LayerChoice layer) {
        return new ModelConfig(name, Map.copyOf(options), layer, layer, VariedSlots.ALL);
    }

    /** {@code first} in the first slot, {@code layer} (the layer under test) in every other one. */
    public static ModelConfig firstAndRest(String name, Map<String, ?> options, LayerChoice first, LayerChoice layer) {
        return new ModelConfig(name, Map.copyOf(options), first, layer, VariedSlots.ALL_BUT_FIRST);
    }

    /** The layer under test. */
    public LayerChoice layer() {
        return otherSlots;
    }

    /** This model with {@code layer} in the varied slots (and in the first too when every slot varies). */
    public ModelConfig withLayer(LayerChoice layer) {
        return new ModelConfig(name, options, varied == VariedSlots.ALL ? layer : firstSlot, layer, varied);
    }

    public ModelConfig withName(String n) {
        return new ModelConfig(n, options, firstSlot, otherSlots, varied);
    }

    public ModelConfig withOptions(Map<String, ?> opts) {
        return new ModelConfig(name, Map.copyOf(opts), firstSlot, otherSlots, varied);
    }
}
