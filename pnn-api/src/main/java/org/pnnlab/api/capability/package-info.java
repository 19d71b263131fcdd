/**
 * Small capability interfaces a layer can implement so that generic code (the training loop, the attacks) can use
 * what a family of layers offers without naming its classes: {@link InferenceModes} for layers that classify by
 * iterative inference (CNN-F), {@link AdversarialObjective} for layers that bring their own adversarial training
 * objective, {@link LinearConvolution} for convolution-like layers whose inference map is linear (layer spectra),
 * {@link TrainableKernel} for layers whose kernel is a parameter (kernel regularisers such as OCNN),
 * {@link ChannelScale} for per-channel scales at inference (batch norm, folded into the spectra) and
 * {@link TestTimeRandomness} for layers that draw random numbers in evaluation mode. Find them in a network with
 * {@link Capabilities}.
 */
@NullMarked
package org.pnnlab.api.capability;

import org.jspecify.annotations.NullMarked;
