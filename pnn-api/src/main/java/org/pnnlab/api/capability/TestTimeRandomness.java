package org.pnnlab.api.capability;

/**
 * A layer whose output in evaluation mode depends on random draws made afresh at every call (noise injected at
 * test time, random resizing, stochastic activations). A network holding such a layer computes a random function,
 * so an attack on it must average its gradients (and scores) over draws: expectation over transformation (EOT,
 * Athalye et al. 2018), {@code pnn evaluate --eot N}. A deterministic layer does not implement this.
 */
public interface TestTimeRandomness {
    /** One line saying what is random, e.g. "Gaussian noise of sd 0.1 added to the input", for messages. */
    String randomness();
}
