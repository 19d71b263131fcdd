package org.pnnlab.models;

import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.factory.DataBufferFactory;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Counts the data buffers ND4J creates with their own off-heap memory, i.e. outside every workspace (the
 * allocations a steady-state training step should not make), by putting a counting proxy in front of ND4J's
 * data-buffer factory while open. Views of existing buffers and buffers placed in a workspace are not counted;
 * the small buffers ND4J makes for an op's own arguments are counted apart ({@link #opArguments()}).
 * With {@code sites} on it also records how many buffers were created per call site (the innermost frame outside
 * ND4J, with the ND4J method it called).
 */
final class OffHeapAllocations implements AutoCloseable {
    private final DataBufferFactory original;
    private final AtomicLong buffers = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong opArguments = new AtomicLong();
    private final Map<String, Long> bySite = new TreeMap<>();
    private final boolean sites;
    private volatile boolean counting;

    private OffHeapAllocations(boolean sites) {
        this.sites = sites;
        this.original = Nd4j.getDataBufferFactory();
        InvocationHandler h = (proxy, method, args) -> {
            Object r;
            try {
                r = method.invoke(original, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            if (counting && r instanceof DataBuffer b && !b.isAttached() && b.originalDataBuffer() == null) {
                StackTraceElement[] st = new Throwable().getStackTrace();
                if (isOpArgument(st)) {
                    opArguments.incrementAndGet();
                } else {
                    buffers.incrementAndGet();
                    bytes.addAndGet(b.length() * b.getElementSize());
                    if (sites) record(st);
                }
            }
            return r;
        };
        install((DataBufferFactory) Proxy.newProxyInstance(DataBufferFactory.class.getClassLoader(),
                new Class<?>[]{DataBufferFactory.class}, h));
    }

    /** Starts watching ND4J's buffer factory (not yet counting: see {@link #start()}). */
    static OffHeapAllocations watch(boolean sites) {
        return new OffHeapAllocations(sites);
    }

    /** Clears the counts and starts counting. */
    void start() {
        buffers.set(0);
        bytes.set(0);
        opArguments.set(0);
        synchronized (bySite) {
            bySite.clear();
        }
        counting = true;
    }

    /** Stops counting (the counts stay readable). */
    void stop() {
        counting = false;
    }

    long buffers() {
        return buffers.get();
    }

    long bytes() {
        return bytes.get();
    }

    /**
     * Buffers ND4J makes for an op's own arguments while the op object is constructed (the scalar of a scalar op,
     * the dimension list of a reduction or broadcast), outside workspaces by ND4J's design; not in {@link #buffers()}.
     */
    long opArguments() {
        return opArguments.get();
    }

    private static boolean isOpArgument(StackTraceElement[] st) {
        for (StackTraceElement e : st) {
            if (e.getClassName().startsWith("org.nd4j.linalg.api.ops.") && e.getMethodName().equals("<init>")) return true;
        }
        return false;
    }

    /** Buffers per call site, when recording sites. */
    Map<String, Long> sites() {
        synchronized (bySite) {
            return new TreeMap<>(bySite);
        }
    }

    private void record(StackTraceElement[] st) {
        String inNd4j = "";
        String site = "?";
        for (StackTraceElement e : st) {
            String c = e.getClassName();
            if (c.startsWith("jdk.") || c.startsWith("java.") || c.contains("$Proxy")
                    || c.equals(OffHeapAllocations.class.getName())) continue;
            String frame = c.substring(c.lastIndexOf('.') + 1) + "." + e.getMethodName() + ":" + e.getLineNumber();
            if (c.startsWith("org.nd4j.")) {
                if (inNd4j.isEmpty()) inNd4j = frame;
                continue;
            }
            site = frame;
            break;
        }
        String key = site + " -> " + inNd4j;
        synchronized (bySite) {
            bySite.merge(key, 1L, Long::sum);
        }
    }

    private static void install(DataBufferFactory f) {
        try {
            Field field = Nd4j.class.getDeclaredField("DATA_BUFFER_FACTORY_INSTANCE");
            field.setAccessible(true);
            field.set(null, f);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach ND4J's data buffer factory", e);
        }
    }

    @Override
    public void close() {
        counting = false;
        install(original);
    }
}
