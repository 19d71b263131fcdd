/** The built-in layer plugins: {@code conv} and {@code perturbation}. */
@NullMarked
package org.pnnlab.layers;

import org.jspecify.annotations.NullMarked;
