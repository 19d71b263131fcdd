package org.pnnlab.experiments.train;

import java.nio.file.Path;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.pnnlab.api.run.RunRecord;
import org.pnnlab.api.run.RunStore;

/**
 * The record of a run being trained and its {@code run.json}, rewritten atomically on every change. While the run
 * is open a shutdown hook marks it {@code interrupted} if the process is stopped (Ctrl-C, {@code kill}); a
 * {@code kill -9} leaves it {@code running}, and readers then see from its process id that it is gone
 * ({@link RunRecord#effectiveStatus()}).
 */
public final class RunJournal implements AutoCloseable {
    private final Path runJson;
    private final long startedNanos = System.nanoTime();
    private final double wallTimeBefore;
    private volatile RunRecord record;
    private final Thread hook;

    RunJournal(Path runJson, RunRecord record) {
        this.runJson = runJson;
        this.record = record;
        this.wallTimeBefore = record.wallTimeSeconds();
        RunStore.write(runJson, record);
        hook = new Thread(() -> {
            RunRecord last = this.record;
            if (last.status().equals(RunRecord.RUNNING)) {
                RunStore.write(runJson, last.finish(RunRecord.INTERRUPTED, null, wallTime(), Instant.now().toString()));
            }
        }, "pnn-run-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    public RunRecord record() {
        return record;
    }

    public Path runJson() {
        return runJson;
    }

    /** Seconds of work on this run, earlier sessions of a resumed run included. */
    public double wallTime() {
        return wallTimeBefore + (System.nanoTime() - startedNanos) / 1e9;
    }

    /** Changes the record and writes it. */
    public synchronized void update(UnaryOperator<RunRecord> change) {
        record = change.apply(record);
        RunStore.write(runJson, record);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // the JVM is already shutting down; the hook records the interruption
        }
    }
}
