package org.pnnlab.experiments.study;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.run.NoiseType;
import org.pnnlab.api.run.RegularisationConfig;

/**
 * A study file as written: a base experiment (or several), a JSON merge patch of its configuration, and the axes
 * whose product is the grid. Absent optional fields are null here; {@link Study#expand} gives them their meaning.
 *
 * @param name the study's name; null: the file name without its extension
 * @param experiment the base experiment (a preset of {@code pnn list}); exactly one of this and {@code experiments}
 * @param experiments several base experiments, an axis (e.g. a CNN and a CNN-F preset that differ in more than the
 *     layer)
 * @param overrides an RFC 7386 JSON merge patch applied to every base preset's configuration, then read strictly
 * @param layers the layers axis: the layer under test of each arm
 * @param models the models axis; null: the base experiment's model
 * @param conditions the conditions axis; null: one cell with the base experiment's conditions
 * @param attacks the attacks evaluated after training (every cell); null: the base experiment's
 * @param seeds the seeds axis
 * @param baseline the arm the others are compared with: a layer entry's label; with several experiments, an
 *     experiment (one layer entry) or {@code EXPERIMENT/LABEL}
 */
public record StudyFile(@Nullable String name, @Nullable String experiment, @Nullable List<String> experiments,
                        @Nullable JsonNode overrides, @Nullable List<LayerEntry> layers,
                        @Nullable List<ModelEntry> models, @Nullable List<ConditionEntry> conditions,
                        @Nullable List<String> attacks, @Nullable List<Long> seeds, @Nullable String baseline) {

    /**
     * One arm of the layers axis: the layer under test (it fills the base model's varied slots) and, when the arm
     * has its own design of the first slot, that slot's layer (the layer under test then fills every other slot).
     *
     * @param id the layer plugin's id
     * @param label the arm's name in the plan, the manifest, the report and for {@code baseline}; unique in the study;
 *     null: the id (two entries with the same id and other parameters need labels)
     * @param params the plugin's parameters; null: its defaults
     * @param first the first slot's layer; null: as the base model has it
     * @param optional skip this arm (with a notice) when its plugin, or its first slot's, is not installed
     * @param regularisation extra loss terms of this arm's runs (e.g. {@code {ocnn: 0.001}}); null: the base's
     */
    public record LayerEntry(String id, @Nullable String label, @Nullable Map<String, Object> params,
                             @Nullable SlotLayer first, @Nullable Boolean optional,
                             @Nullable RegularisationConfig regularisation) {
        public String labelOrId() {
            return label != null ? label : id;
        }

        public boolean isOptional() {
            return Boolean.TRUE.equals(optional);
        }
    }

    /** A layer plugin and its parameters for one group of slots. */
    public record SlotLayer(String id, @Nullable Map<String, Object> params) {
    }

    /**
     * One arm of the models axis.
     *
     * @param label its name in the plan; null: the model name and options
     * @param name the model (see {@code pnn list}); null: the base experiment's
     * @param options model options laid over the base's (same name: replaced)
     */
    public record ModelEntry(@Nullable String label, @Nullable String name, @Nullable Map<String, Object> options) {
        public String describe(String baseName) {
            if (label != null) return label;
            String n = name != null ? name : baseName;
            return options == null || options.isEmpty() ? n : n + options;
        }
    }

    /**
     * One experimental condition; a field left out keeps the base configuration's value.
     *
     * @param labelNoise fraction of training labels redrawn
     * @param noiseType symmetric or asymmetric
     * @param subset fraction of each class kept for training
     * @param validation fraction of each class held out for validation
     * @param noisyValidation whether validation labels get noise too
     * @param adversarial adversarial training (none, pgd or free)
     */
    public record ConditionEntry(@Nullable Double labelNoise, @Nullable NoiseType noiseType, @Nullable Double subset,
                                 @Nullable Double validation, @Nullable Boolean noisyValidation,
                                 @Nullable AdversarialEntry adversarial) {
        /** The fields given, as written ({@code {}} for none). */
        public String describe() {
            List<String> parts = new ArrayList<>();
            if (labelNoise != null) parts.add("labelNoise: " + labelNoise);
            if (noiseType != null) parts.add("noiseType: " + noiseType.name().toLowerCase(Locale.ROOT));
            if (subset != null) parts.add("subset: " + subset);
            if (validation != null) parts.add("validation: " + validation);
            if (noisyValidation != null) parts.add("noisyValidation: " + noisyValidation);
            if (adversarial != null) parts.add("adversarial: " + adversarial.describe());
            return "{" + String.join(", ", parts) + "}";
        }
    }

    /** Adversarial training of a condition; a field left out keeps the base's value of that method, else its default. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "method")
    @JsonSubTypes({
            @JsonSubTypes.Type(value = AdversarialEntry.None.class, name = "none"),
            @JsonSubTypes.Type(value = AdversarialEntry.Pgd.class, name = "pgd"),
            @JsonSubTypes.Type(value = AdversarialEntry.Free.class, name = "free")})
    public sealed interface AdversarialEntry {
        String describe();

        /** Ordinary training. */
        record None() implements AdversarialEntry {
            @Override
            public String describe() {
                return "none";
            }
        }

        /** PGD training: radius, step (default: the base's step-to-radius ratio), iterations, clean terms. */
        record Pgd(@Nullable Double eps, @Nullable Double step, @Nullable Integer steps, @Nullable Boolean clean,
                   @Nullable Double cleanWeight, @Nullable Double mseWeight) implements AdversarialEntry {
            @Override
            public String describe() {
                return "pgd" + (eps != null ? " eps " + eps : "");
            }
        }

        /** Free training: radius, FGSM step and replays. */
        record Free(@Nullable Double eps, @Nullable Double fgsmStep, @Nullable Integer repeats) implements AdversarialEntry {
            @Override
            public String describe() {
                return "free" + (eps != null ? " eps " + eps : "");
            }
        }
    }
}
