/**
 * Singular values of the linear maps of convolution-like layers (found through
 * {@link org.pnnlab.api.capability.LinearConvolution}), and an empirical local Lipschitz estimate of a whole network.
 */
@NullMarked
package org.pnnlab.models.spectra;

import org.jspecify.annotations.NullMarked;
