package org.pnnlab.layers.feedback;

import java.util.Map;

/**
 * A feedback model's structure, found by id with {@link java.util.ServiceLoader} (list implementations in
 * {@code META-INF/services/org.pnnlab.layers.feedback.FeedbackArchitecture}). Given its options and the input
 * shape it builds a fresh {@link FeedbackModel}; {@link FeedbackNetwork} runs the model's passes and unrolls
 * the inference cycles.
 */
public interface FeedbackArchitecture {
    String id();

    /**
     * @param options    architecture options as strings (e.g. ind, res); unknown ones must be rejected
     * @param inputShape one sample's input shape, {@code [C, H, W]}
     * @param classes    number of outputs
     */
    FeedbackModel build(Map<String, String> options, long[] inputShape, int classes);
}
