package org.pnnlab.models;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.pnnlab.api.LayerRegistry;
import org.pnnlab.api.ParamSpec;
import org.pnnlab.api.capability.ConvolutionGeometry;
import org.pnnlab.models.ocnn.OrthogonalityTarget;

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

    /**
     * The kernels the OCNN regulariser constrains in a network this factory built, from its layers with a trainable
     * kernel (by name, in network order). By default every one of them: a k×k kernel (k &gt; 1) with the convolutional
     * distance at its stride, a 1×1 kernel with the matrix distance.
     */
    default List<OrthogonalityTarget> ocnnTargets(Map<String, ConvolutionGeometry> kernels) {
        List<OrthogonalityTarget> out = new ArrayList<>();
        kernels.forEach((name, g) -> out.add(OrthogonalityTarget.everyConvolution(name, g)));
        return out;
    }
}
