package org.pnnlab.layers.feedback;

import org.nd4j.autodiff.samediff.SDVariable;

/** Small SameDiff helpers shared by the feedback layers. */
final class Sd {
    private Sd() {
    }

    /** A 0/1 mask of {@code a > 0} in the graph's float type; comparisons carry no gradient. */
    static SDVariable positive(SDVariable a) {
        return a.gt(0.0).castTo(a.dataType());
    }

    /** A 0/1 mask of {@code a < 0}. */
    static SDVariable negative(SDVariable a) {
        return a.lt(0.0).castTo(a.dataType());
    }
}
