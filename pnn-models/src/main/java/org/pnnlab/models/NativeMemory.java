package org.pnnlab.models;

import org.bytedeco.javacpp.Pointer;

/**
 * Keeps the process's native memory in check during long loops. ND4J frees an array's off-heap buffer only when
 * the garbage collector collects the array object, and a loop that makes large short-lived arrays (an attack's
 * gradients, a training step's activations) produces little heap garbage, so collections come late: an attack
 * on a small network grew to 18 GB and was killed. {@link #relieve()} collects when the resident size passes a
 * limit: {@code -Dpnn.native.limit=BYTES}, by default a quarter of the machine's memory, at least 2 GiB; and also
 * when it has grown by {@code -Dpnn.native.growth=BYTES} (default 1 GiB) since the last collection. The second rule
 * is for speed: until the collector runs, every new array lands on pages the process has never touched, and the
 * page faults cost more than the arithmetic for large activations (a 64x64x32x32 convolution + batch norm step
 * took 214 ms instead of 68 ms with the first rule alone).
 */
public final class NativeMemory {
    private static final long LIMIT = Long.getLong("pnn.native.limit",
            Math.max(2L << 30, Pointer.totalPhysicalBytes() / 4));

    private static final long GROWTH = Long.getLong("pnn.native.growth", 1L << 30);
    private static long base = -1;

    private NativeMemory() {
    }

    /** Runs the garbage collector if the process holds more than the limit, or has grown by more than the allowed growth; cheap otherwise. */
    public static synchronized void relieve() {
        long now = Pointer.physicalBytes();
        if (base < 0 || now < base) base = now;
        if (now > LIMIT || now - base > GROWTH) {
            System.gc();
            base = Pointer.physicalBytes();
        }
    }
}
