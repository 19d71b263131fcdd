package org.pnnlab.api.train;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.run.RunConfig;

/**
 * An extra term of a run's training loss, beside the data loss (cross-entropy): a regulariser of the parameters
 * such as OCNN's orthogonality distance. The training step adds every active term's value to the loss it reports
 * and its gradient to the network's gradient, after the backward pass and before the optimiser's update, whatever
 * the step (standard, PGD or free adversarial). Terms live in the SPI so that a plugin can bring its own: list a
 * {@link Provider} in {@code META-INF/services/org.pnnlab.api.train.LossTerm$Provider}.
 */
public interface LossTerm {
    /** Short name for logs, e.g. {@code ocnn}. */
    String name();

    /**
     * Evaluates the term at the network's current parameters, adds {@code gradientScale} times its gradient (with
     * respect to each parameter) into the network's gradient views, and returns its value (what it adds to the
     * loss). The network's gradient views hold sums over a batch, so the step passes the batch size.
     */
    double addGradient(double gradientScale);

    /** Makes a run's term; found with {@link java.util.ServiceLoader}, one instance per process. */
    interface Provider {
        /** A stable id, lower case, e.g. {@code ocnn}. */
        String id();

        /**
         * The term for the run, or null when its configuration does not ask for it. A configuration that asks for
         * it on a network it cannot apply to is a {@link org.pnnlab.api.PnnException} naming the problem and the fix.
         */
        @Nullable LossTerm create(ComputationGraph net, RunConfig config);
    }
}
