/** MNIST experiments on the reproduction's lenet. */
@NullMarked
package org.pnnlab.experiments.mnist;

import org.jspecify.annotations.NullMarked;
