/**
 * The OCNN orthogonality regulariser (spec CONVNORM 3.7) as a {@link org.pnnlab.api.train.LossTerm}: its two
 * distances, which kernels a model regularises, and the term built from a run's configuration.
 */
@NullMarked
package org.pnnlab.models.ocnn;

import org.jspecify.annotations.NullMarked;
