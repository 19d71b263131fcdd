package org.pnnlab.models;

import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.ParamSpec;

/**
 * A model architecture. Found with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/org.pnnlab.models.ModelFactory}). Every model is a ComputationGraph with one
 * input {@code "input"}, a vertex {@link #LOGITS} holding the class scores and a softmax cross-entropy
 * loss layer {@link #OUTPUT}.
 */
public interface ModelFactory {
    String LOGITS = "logits";
    String OUTPUT = "output";

    String name();

    String description();

    /** The model's own options (width, pooling, dropout, ...). */
    List<ParamSpec> options();

    /**
     * Builds the graph configuration. {@code base} carries the training settings (seed, data type,
     * updater, regularisation) that apply to every layer.
     */
    ComputationGraphConfiguration build(ModelSpec spec, LayerRegistry registry, NeuralNetConfiguration.Builder base);
}
