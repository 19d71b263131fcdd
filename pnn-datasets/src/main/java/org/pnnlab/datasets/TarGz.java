package org.pnnlab.datasets;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.PnnException;

/**
 * Reads (gzip-compressed) tar archives with Apache Commons Compress, adding two things of ours: a guard that no
 * extracted entry lands outside the target folder, and error messages that name the archive and the fix. Only
 * regular files are listed and extracted; directories, links and other entries are skipped (a wanted link
 * whose target lies outside the target folder is refused). Plain (uncompressed) tar files are read too.
 */
public final class TarGz {
    private TarGz() {
    }

    /** The names of the regular files in the archive (leading {@code ./} removed), in archive order. */
    public static List<String> list(Path archive) {
        List<String> names = new ArrayList<>();
        read(archive, (name, entry, content) -> {
            if (isRegularFile(entry)) {
                names.add(name);
            }
        });
        return names;
    }

    /**
     * Extracts the regular files whose entry names (leading {@code ./} removed) are in {@code wanted} to
     * {@code targetDir/<entry name>}, creating folders as needed and replacing existing files (and links). An entry that
     * would be written outside {@code targetDir} (an absolute name, {@code ..}, a folder of the target that is a
     * link to elsewhere) or a wanted link pointing outside it is refused with a {@link PnnException}.
     *
     * @return entry name to extracted file, for the wanted entries the archive holds as regular files
     */
    public static Map<String, Path> extract(Path archive, Path targetDir, Set<String> wanted) {
        Map<String, Path> extracted = new LinkedHashMap<>();
        Path root = targetDir.toAbsolutePath().normalize();
        read(archive, (name, entry, content) -> {
            if (!wanted.contains(name)) {
                return;
            }
            Path target = inside(archive, root, name, root.resolve(name), "would be written");
            if (entry.isSymbolicLink() || entry.isLink()) {
                // never created; but one that leads out of the folder means the archive was made to attack
                Path base = entry.isSymbolicLink() ? target.getParent() : root;
                inside(archive, root, name, base.resolve(entry.getLinkName()), "is a link that points");
                return;
            }
            if (!isRegularFile(entry)) {
                return;
            }
            Files.createDirectories(target.getParent());
            // a folder on the way that already is a link to elsewhere would carry the file out
            Path realRoot = root.toRealPath();
            if (!target.getParent().toRealPath().startsWith(realRoot)) {
                throw escape(archive, name, "would be written", realRoot);
            }
            // a link already in the file's place is replaced, not written through
            Files.deleteIfExists(target);
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
                content.transferTo(out);
            }
            extracted.put(name, target);
        });
        return extracted;
    }

    private static Path inside(Path archive, Path root, String name, Path path, String what) {
        Path p = path.normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw escape(archive, name, what, root);
        }
        return p;
    }

    private static PnnException escape(Path archive, String name, String what, Path root) {
        return new PnnException(archive + ": entry " + name + " " + what + " outside " + root
                + "; refusing to extract it. The archive is not the expected one: delete it and fetch it again.");
    }

    private static boolean isRegularFile(TarArchiveEntry entry) {
        byte type = entry.getLinkFlag();
        return type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM || type == TarConstants.LF_CONTIG;
    }

    /** Receives each entry; {@code content} yields the bytes of a regular file's data. */
    @FunctionalInterface
    interface EntryHandler {
        void entry(String name, TarArchiveEntry entry, InputStream content) throws IOException;
    }

    static void read(Path archive, EntryHandler handler) {
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
            file.mark(2);
            int b0 = file.read();
            int b1 = file.read();
            file.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b
                    ? new BufferedInputStream(new GZIPInputStream(file, 1 << 16), 1 << 16) : file;
            CheckedTarInput tar = new CheckedTarInput(archive, in);
            @Nullable TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                handler.entry(stripDotSlash(entry.getName()), entry, tar);
            }
        } catch (EOFException e) {
            throw truncated(archive, e);
        } catch (ZipException e) {
            throw new PnnException(archive + ": expected a gzip-compressed tar archive, but the gzip data is corrupt ("
                    + e.getMessage() + "). Delete it and fetch it again.", e);
        } catch (IOException e) {
            // Commons Compress reports data cut short with a plain IOException ("Truncated TAR archive")
            if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("truncated")) {
                throw truncated(archive, e);
            }
            throw new PnnException("Could not read " + archive + " as a tar archive: " + e + ". The file is corrupt or not"
                    + " a tar.gz: delete it and fetch it again.", e);
        }
    }

    /**
     * Commons Compress takes a header block cut short for the end of the archive and does not check header
     * checksums (a file that is not a tar at all reads as an empty archive). Its header hook {@link #readRecord}
     * is where we check both, so a cut or wrong download gets a clear message. (Old GNU sparse files, whose
     * extension blocks carry no checksum, are therefore refused; {@code tar czf} does not write them.)
     */
    private static final class CheckedTarInput extends TarArchiveInputStream {
        private final Path archive;
        private final InputStream raw;
        private int headers;
        private boolean ended;

        CheckedTarInput(Path archive, InputStream raw) {
            super(raw);
            this.archive = archive;
            this.raw = raw;
        }

        @Override
        protected byte @Nullable [] readRecord() throws IOException {
            byte[] record = raw.readNBytes(getRecordSize());
            count(record.length);
            if (record.length < getRecordSize()) {
                if (ended || (record.length == 0 && headers > 0)) {
                    return null; // no (second) end-of-archive block: accepted, as GNU tar does
                }
                if (headers == 0) {
                    throw new PnnException(archive + ": " + record.length + " bytes where a tar header of "
                            + getRecordSize() + " bytes was expected; it is not a tar archive or it is truncated. Delete"
                            + " it and fetch it again.");
                }
                throw new EOFException();
            }
            if (isEOFRecord(record)) {
                ended = true;
            } else if (!ended) {
                headers++;
                if (!TarUtils.verifyCheckSum(record)) {
                    throw new PnnException(archive + ": header " + headers + " has a wrong checksum; expected a tar"
                            + " archive. The file is corrupt or not a tar.gz: delete it and fetch it again.");
                }
            }
            return record;
        }
    }

    private static PnnException truncated(Path archive, Exception e) {
        return new PnnException(archive + ": the archive ends in the middle of an entry; expected a complete tar.gz. It is"
                + " truncated: delete it and fetch it again.", e);
    }

    private static String stripDotSlash(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        return n;
    }
}
