package org.pnnlab.api.feedback;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;

/** What a feedback layer sees of the graph being built: the graph and its own parameters by local name. */
public interface FeedbackScope {
    SameDiff sd();

    SDVariable param(String name);
}
