/**
 * Training-objective extension points a plugin can implement: {@link LossTerm}, an extra term of the loss that the
 * training step sums (it lives here, not among the layer capabilities, because it belongs to the run's objective
 * rather than to one layer; found with {@link java.util.ServiceLoader} so that plugin jars can add one).
 */
@NullMarked
package org.pnnlab.api.train;

import org.jspecify.annotations.NullMarked;
