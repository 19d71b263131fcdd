/**
 * Feedback layers: layers that also run top-down (generative feedback, as in CNN-F) inside feedback models,
 * and keep state between the bottom-up and the top-down pass. Both passes are written as SameDiff graph
 * fragments, so automatic differentiation covers training through the feedback and attacks through the
 * whole inference.
 */
@NullMarked
package org.pnnlab.api.feedback;

import org.jspecify.annotations.NullMarked;
