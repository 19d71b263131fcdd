package org.pnnlab.experiments.train;

import jakarta.inject.Inject;
import java.util.Map;
import org.pnnlab.api.LayerParams;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.LayerChoice;
import org.pnnlab.api.run.ModelConfig;
import org.pnnlab.api.run.NoiseType;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.datasets.Conditions;
import org.pnnlab.datasets.DatasetCatalog;
import org.pnnlab.datasets.Datasets;
import org.pnnlab.experiments.attack.AttackRegistry;
import org.pnnlab.models.ModelFactory;
import org.pnnlab.models.ModelRegistry;

/**
 * Checks a configuration against what is installed — the layer, model and attack registries and the dataset
 * catalogue — and puts it in canonical form: every layer parameter and model option with its typed value, defaults
 * included, so that two configurations that build the same run are equal and share a hash. Range checks of single
 * settings belong to the records themselves; this checks only the references between them.
 */
public final class ConfigResolver {
    private final LayerRegistry layers;
    private final ModelRegistry models;
    private final AttackRegistry attacks;

    @Inject
    public ConfigResolver(LayerRegistry layers, ModelRegistry models, AttackRegistry attacks) {
        this.layers = layers;
        this.models = models;
        this.attacks = attacks;
    }

    /** The canonical, checked form of {@code config}. */
    public RunConfig resolve(RunConfig config) {
        String dataset = config.data().dataset();
        if (!Datasets.names().contains(dataset)) {
            throw new PnnException("unknown dataset '" + dataset + "'; known datasets: " + String.join(", ", Datasets.names()));
        }
        if (config.data().labelNoise() > 0 && config.data().noiseType() == NoiseType.ASYMMETRIC) {
            Conditions.asymmetricMap(dataset, DatasetCatalog.standard().get(dataset).numClasses());
        }
        ModelConfig m = config.model();
        ModelFactory factory = models.get(m.name());
        Map<String, Object> options = LayerParams.validate("model " + m.name(), factory.options(), m.options()).asMap();
        LayerChoice first = canonical(m.firstSlot());
        LayerChoice other = canonical(m.otherSlots());
        for (String a : config.evaluation().attacks()) attacks.checkAfterTraining(a);
        if (config.normalization() != null && config.normalization().channels()
                != DatasetCatalog.standard().get(dataset).channels()) {
            throw new PnnException("the normalisation has " + config.normalization().channels() + " channels but "
                    + dataset + " images have " + DatasetCatalog.standard().get(dataset).channels());
        }
        return config.withModel(new ModelConfig(m.name(), options, first, other, m.varied()));
    }

    private LayerChoice canonical(LayerChoice c) {
        return new LayerChoice(c.id(), layers.get(c.id()).params(c.params()).asMap());
    }
}
