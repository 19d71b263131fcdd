/**
 * Common corruptions of test images (Hendrycks &amp; Dietterich, "Benchmarking Neural Network Robustness to Common
 * Corruptions and Perturbations", ICLR 2019): noise, blur and digital corruptions at the paper's five severities,
 * generated on the fly from a seed with ND4J array operations, and the {@code corruptions} attack that evaluates
 * them.
 */
@NullMarked
package org.pnnlab.experiments.corruption;

import org.jspecify.annotations.NullMarked;
