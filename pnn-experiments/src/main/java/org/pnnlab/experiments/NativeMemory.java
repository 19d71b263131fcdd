package org.pnnlab.experiments;

import org.bytedeco.javacpp.Pointer;

/**
 * Keeps the process's native memory in check during long loops. ND4J frees an array's off-heap buffer only when
 * the garbage collector collects the array object, and a loop that makes large short-lived arrays (an attack's
 * gradients, a training step's activations) produces little heap garbage, so collections come late: an attack
 * on a small network grew to 18 GB and was killed. {@link #relieve()} collects when the resident size passes a
 * limit: {@code -Dpnn.native.limit=BYTES}, by default a quarter of the machine's memory, at least 2 GiB.
 */
public final class NativeMemory {
    private static final long LIMIT = Long.getLong("pnn.native.limit",
            Math.max(2L << 30, Pointer.totalPhysicalBytes() / 4));

    private NativeMemory() {
    }

    /** Runs the garbage collector if the process holds more than the limit; cheap otherwise. */
    public static void relieve() {
        if (Pointer.physicalBytes() > LIMIT) System.gc();
    }
}
