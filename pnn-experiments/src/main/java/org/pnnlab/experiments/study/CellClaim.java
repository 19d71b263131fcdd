package org.pnnlab.experiments.study;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.run.ProcessInfo;
import org.pnnlab.api.run.RunStore;

/**
 * A claim on one study cell, so that it runs at most once even when several study runners share a runs folder: the
 * file {@code <runs>/<experiment>/<run-id>.claim} (beside the run folder, which the run itself creates) holding the
 * claiming process ({@link ProcessInfo}) and the study. It appears complete and at once: its content is written to a
 * temporary file first, which is then hard-linked to the claim's name, an operation that fails when the name exists.
 * A claim whose process is gone (same host, pid dead or reused) is stale and is taken over: renamed away under a
 * unique name, checked to be the stale one, deleted.
 */
public final class CellClaim implements AutoCloseable {
    /** The claim file's content. */
    public record Holder(ProcessInfo process, String study) {
    }

    private final Path file;
    private final Holder holder;

    private CellClaim(Path file, Holder holder) {
        this.file = file;
        this.holder = holder;
    }

    /** The claim file of {@code cell}. */
    public static Path path(Path runsDir, StudyCell cell) {
        return runsDir.resolve(cell.experiment()).resolve(cell.runId() + ".claim");
    }

    /** Claims {@code file} for this process; empty when a live process holds it. */
    public static Optional<CellClaim> tryAcquire(Path file, String study) {
        Holder me = new Holder(ProcessInfo.current(), study);
        try {
            Files.createDirectories(file.getParent());
            for (int attempt = 0; attempt < 3; attempt++) {
                if (create(file, me)) return Optional.of(new CellClaim(file, me));
                Holder other = read(file);
                if (other == null) continue; // released meanwhile
                if (other.process().maybeAlive()) return Optional.empty();
                removeStale(file, other);
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("could not claim " + file + ": " + e.getMessage(), e);
        }
    }

    /** Who holds {@code file}, or null when nobody does. */
    public static @Nullable Holder read(Path file) throws IOException {
        try {
            return RunStore.mapper().readValue(file.toFile(), Holder.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return null;
        }
    }

    private static boolean create(Path file, Holder me) throws IOException {
        byte[] content = RunStore.mapper().writeValueAsBytes(me);
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            Files.write(tmp, content);
            try {
                Files.createLink(file, tmp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException e) { // no hard links here: create-new, then write
                try {
                    Files.write(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    return true;
                } catch (FileAlreadyExistsException taken) {
                    return false;
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void removeStale(Path file, Holder stale) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + "." + UUID.randomUUID() + ".stale");
        try {
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException gone) {
            return;
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(file, aside);
        }
        Holder moved = read(aside);
        if (moved != null && !moved.equals(stale)) {
            // another runner claimed it between our read and the move: give its claim back
            try {
                Files.createLink(file, aside);
            } catch (FileAlreadyExistsException | UnsupportedOperationException ignored) {
                // a third runner holds it now; either way it is held
            }
        }
        Files.deleteIfExists(aside);
    }

    /** The claim file. */
    public Path file() {
        return file;
    }

    /** Releases the claim if it is still this process's. */
    @Override
    public void close() {
        try {
            if (holder.equals(read(file))) Files.deleteIfExists(file);
        } catch (IOException e) {
            // a claim left behind is stale once this process ends, and is then taken over
        }
    }
}
