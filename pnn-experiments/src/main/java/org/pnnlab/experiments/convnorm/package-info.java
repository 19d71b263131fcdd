/** The ConvNorm experiments: conv + batch norm against ConvNorm under clean labels, label noise, scarce data and attack. */
@NullMarked
package org.pnnlab.experiments.convnorm;

import org.jspecify.annotations.NullMarked;
