package org.pnnlab.layers.feedback;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.SessionMemMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A SameDiff session memory manager that recycles the arrays of one graph execution for the next.
 *
 * <p>SameDiff 1.0.0-M2.1 keeps nearly every intermediate of a gradient computation alive until the call ends (a
 * CNN-F objective on 64 image pairs allocates ~1 300 arrays and releases ~30) and then leaves them to the garbage
 * collector. Run repeatedly — an attack's iterations, a training loop — the process's native memory grew by
 * gigabytes between collections and most of the time went into page faults on freshly mapped memory. Here every
 * array a call allocates is handed back to a pool by {@link #recycle()} when the caller has copied out what it
 * keeps, and the next call of the same shapes reuses it.
 */
final class ClosingMemoryManager implements SessionMemMgr {
    private final Map<String, ArrayDeque<INDArray>> free = new HashMap<>();
    private final List<INDArray> inUse = new ArrayList<>();

    /** This thread's manager for {@code sd}, installed in its session on first use. */
    static ClosingMemoryManager install(SameDiff sd) {
        long thread = Thread.currentThread().getId();
        InferenceSession s = sd.getSessions().get(thread);
        if (s == null) {
            s = new InferenceSession(sd);
            sd.getSessions().put(thread, s);
        }
        if (s.getMmgr() instanceof ClosingMemoryManager m) return m;
        ClosingMemoryManager m = new ClosingMemoryManager();
        s.setMmgr(m);
        return m;
    }

    private static String key(DataType t, long[] shape) {
        return t + Arrays.toString(shape);
    }

    @Override
    public INDArray allocate(boolean detached, DataType dataType, long... shape) {
        ArrayDeque<INDArray> q = free.get(key(dataType, shape));
        INDArray a = q == null ? null : q.poll();
        if (a == null) a = Nd4j.createUninitializedDetached(dataType, shape);
        inUse.add(a);
        return a;
    }

    @Override
    public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        return allocate(detached, descriptor.dataType(), descriptor.getShape());
    }

    @Override
    public INDArray ulike(INDArray arr) {
        return allocate(false, arr.dataType(), arr.shape());
    }

    @Override
    public INDArray dup(INDArray arr) {
        INDArray out = ulike(arr);
        out.assign(arr);
        return out;
    }

    /** Kept until {@link #recycle()}: an array the session releases may still back a view it hands out. */
    @Override
    public void release(INDArray array) {
    }

    /**
     * Returns every array allocated since the last call to the pool. Whatever the caller keeps from the execution
     * must have been copied out first.
     */
    void recycle() {
        for (INDArray a : inUse) free.computeIfAbsent(key(a.dataType(), a.shape()), k -> new ArrayDeque<>()).add(a);
        inUse.clear();
    }

    /** Frees the pooled arrays. */
    @Override
    public void close() {
        recycle();
        for (ArrayDeque<INDArray> q : free.values()) for (INDArray a : q) if (a.closeable()) a.close();
        free.clear();
    }
}
