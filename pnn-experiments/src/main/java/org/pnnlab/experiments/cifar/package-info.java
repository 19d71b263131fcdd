/**
 * The eight CIFAR-10 runs of the perturbation-network reproduction's table, with their exact flags
 * (spec 6.1): SGD with Nesterov momentum 0.9, L2 1e-4, learning rate x0.2 at epochs 60, 90, 120 and 160,
 * random crop with 4-pixel padding + horizontal flip, 150 epochs by default.
 */
@NullMarked
package org.pnnlab.experiments.cifar;

import org.jspecify.annotations.NullMarked;
