/**
 * The CNN-F feedback layers (spec CNNF section 1) as plugins: convolution and linear maps with tied
 * transposed feedback, RMS normalisation, bias, flatten, adaptive ReLU (with the residual blend) and adaptive
 * max/min pooling, plus the average pool with upsampling feedback. Each is a {@link
 * org.pnnlab.api.feedback.FeedbackPlugin}; {@link org.pnnlab.layers.feedback.FeedbackNetwork} runs a model of
 * them as one DL4J layer.
 */
@NullMarked
package org.pnnlab.layers.feedback;

import org.jspecify.annotations.NullMarked;
