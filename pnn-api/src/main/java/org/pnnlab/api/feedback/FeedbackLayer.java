package org.pnnlab.api.feedback;

import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One feedback-capable layer while a graph is being built. It is stateful: {@link #forward} may record masks
 * or choices that {@link #feedback} uses, and {@link #feedback} may record a top-down signal that the next
 * {@link #forward} uses. State consists of graph variables, so gradients flow through it where the algorithm
 * says they do; quantities that must be constants (masks, pooling choices) are built from comparisons, which
 * carry no gradient. {@link #reset} forgets all state (a new input batch).
 */
public interface FeedbackLayer {
    /** Own parameters in storage order: local name (letters and digits only) to shape. None by default. */
    default Map<String, long[]> parameters() {
        return Map.of();
    }

    /** Whether a parameter is a bias (for separate regularisation settings). */
    default boolean isBias(String name) {
        return name.equals("b");
    }

    /** Fills freshly created parameters (each array already has its shape). */
    default void initialize(Map<String, INDArray> params, long seed) {
    }

    /** Shape of one sample's output for one sample's input shape (without the batch dimension). */
    long[] outputShape(long[] inputShape);

    /** The bottom-up pass. */
    SDVariable forward(FeedbackScope scope, SDVariable x);

    /** The top-down pass: maps a signal shaped like this layer's output to one shaped like its input. */
    SDVariable feedback(FeedbackScope scope, SDVariable t);

    /** Forgets the state kept between passes (stateless layers keep none). */
    default void reset() {
    }
}
