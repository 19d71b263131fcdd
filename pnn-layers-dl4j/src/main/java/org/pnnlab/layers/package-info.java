/** The built-in layer plugins: {@code conv}, {@code perturbation} and {@code noise-original}. */
@NullMarked
package org.pnnlab.layers;

import org.jspecify.annotations.NullMarked;
