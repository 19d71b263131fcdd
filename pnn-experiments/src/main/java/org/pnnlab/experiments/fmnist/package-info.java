/**
 * The perturbation-network question asked on Fashion-MNIST at a size a 2-core machine runs in minutes:
 * the same lenet (32 filters) with (a) 3x3 convolutions, (b) perturbation layers with one mask per channel,
 * (c) perturbation layers with fan-out 4 and mix_maps, (d) the reproduction's control: the same network
 * with plain 1x1 convolutions and no noise. Slot 1 is a 3x3 convolution in (b)-(d), as in the
 * reproduction's closest-to-the-paper runs.
 */
@NullMarked
package org.pnnlab.experiments.fmnist;

import org.jspecify.annotations.NullMarked;
