package org.pnnlab.layers.dl4j;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastSubOp;
import org.nd4j.linalg.api.ops.impl.reduce3.Dot;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-channel operations on {@code [N, C, H, W]} (c order) and {@code [N, C]} arrays. For images they work
 * on the {@code [N*C, H*W]} view, where a per-channel vector becomes a column vector repeated N times and a
 * per-channel sum is a row sum folded over N; in ND4J that is about twice as fast as broadcasting along
 * dimension 1 or reducing over dimensions (0, 2, 3). The image paths run the broadcast ops themselves rather than
 * {@code addiColumnVector}/{@code muliColumnVector}, which make a fresh array outside every workspace on each call.
 */
final class ChannelOps {
    private ChannelOps() {
    }

    private static INDArray rows(INDArray x) {
        return x.rank() == 4 ? x.reshape('c', x.size(0) * x.size(1), x.size(2) * x.size(3)) : x;
    }

    /** A per-channel vector as the column for the {@code [N*C, H*W]} view. */
    private static INDArray column(INDArray v, long n) {
        return v.reshape(1, v.length()).repeat(0, n).reshape(n * v.length(), 1);
    }

    /** out = x * a + b per channel; out may be x. Returns out. */
    static INDArray affine(INDArray x, INDArray a, INDArray b, INDArray out) {
        if (x.rank() == 4) {
            long n = x.size(0);
            INDArray o = rows(out);
            Nd4j.getExecutioner().exec(new BroadcastMulOp(rows(x), column(a, n), o, 0));
            Nd4j.getExecutioner().exec(new BroadcastAddOp(o, column(b, n), o, 0));
        } else {
            if (out != x) out.assign(x);
            out.muliRowVector(a).addiRowVector(b);
        }
        return out;
    }

    /** out = x - b per channel, one pass; out must not be x. Returns out. */
    static INDArray minus(INDArray x, INDArray b, INDArray out) {
        if (x.rank() == 4) {
            Nd4j.getExecutioner().exec(new BroadcastSubOp(rows(x), column(b, x.size(0)), rows(out), 0));
        } else {
            Nd4j.getExecutioner().exec(new BroadcastSubOp(x, b, out, 1));
        }
        return out;
    }

    /** out = x * a per channel, one pass; out must not be x. Returns out. */
    static INDArray times(INDArray x, INDArray a, INDArray out) {
        if (x.rank() == 4) {
            Nd4j.getExecutioner().exec(new BroadcastMulOp(rows(x), column(a, x.size(0)), rows(out), 0));
        } else {
            Nd4j.getExecutioner().exec(new BroadcastMulOp(x, a, out, 1));
        }
        return out;
    }

    /** x += b per channel, in place. Returns x. */
    static INDArray shift(INDArray x, INDArray b) {
        if (x.rank() == 4) {
            INDArray r = rows(x);
            Nd4j.getExecutioner().exec(new BroadcastAddOp(r, column(b, x.size(0)), r, 0));
        } else {
            x.addiRowVector(b);
        }
        return x;
    }

    /** out = x * a per channel; out may be x. Returns out. */
    static INDArray scale(INDArray x, INDArray a, INDArray out) {
        if (x.rank() == 4) {
            INDArray o = rows(out);
            Nd4j.getExecutioner().exec(new BroadcastMulOp(rows(x), column(a, x.size(0)), o, 0));
        } else {
            if (out != x) out.assign(x);
            out.muliRowVector(a);
        }
        return out;
    }

    /** Σ x per channel, as a vector of length C. */
    static INDArray sum(INDArray x) {
        if (x.rank() == 4) return rows(x).sum(1).reshape(x.size(0), x.size(1)).sum(0);
        return x.sum(0);
    }

    /** Σ g·x per channel, as a vector of length C. */
    static INDArray dot(INDArray g, INDArray x) {
        if (x.rank() == 4) {
            INDArray perRow = Nd4j.getExecutioner().exec(new Dot(rows(g), rows(x), 1));
            return perRow.reshape(x.size(0), x.size(1)).sum(0);
        }
        return Nd4j.getExecutioner().exec(new Dot(g, x, 0)).reshape(x.size(1));
    }
}
