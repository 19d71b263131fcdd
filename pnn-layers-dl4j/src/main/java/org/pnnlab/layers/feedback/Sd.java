package org.pnnlab.layers.feedback;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

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

    static SDVariable constant(SameDiff sd, double[] values, long... shape) {
        return sd.constant(org.nd4j.linalg.factory.Nd4j.create(values, shape, DataType.DOUBLE));
    }
}
