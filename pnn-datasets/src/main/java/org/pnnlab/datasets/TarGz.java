package org.pnnlab.datasets;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.PnnException;

/**
 * A small reader for (gzip-compressed) tar archives: POSIX ustar with the GNU long-name and pax
 * {@code path}/{@code size} extensions, which is what {@code tar czf} writes. Only regular files are
 * extracted; directories, links and other entries are skipped. Plain (uncompressed) tar files are read too.
 */
public final class TarGz {
    private static final int BLOCK = 512;

    private TarGz() {
    }

    /** The names of the regular files in the archive, in archive order. */
    public static List<String> list(Path archive) {
        List<String> names = new ArrayList<>();
        read(archive, (name, size, content) -> names.add(name));
        return names;
    }

    /**
     * Extracts the regular files whose entry names (leading {@code ./} removed) are in {@code wanted} to
     * {@code targetDir/<entry name>}, creating folders as needed and replacing existing files.
     *
     * @return entry name to extracted file, for the wanted entries the archive holds
     */
    public static Map<String, Path> extract(Path archive, Path targetDir, Set<String> wanted) {
        Map<String, Path> extracted = new LinkedHashMap<>();
        Path root = targetDir.toAbsolutePath().normalize();
        read(archive, (name, size, content) -> {
            if (!wanted.contains(name)) {
                return;
            }
            Path target = root.resolve(name).normalize();
            if (!target.startsWith(root) || target.equals(root)) {
                throw new PnnException(archive + ": entry " + name + " would be written outside " + root
                        + "; refusing to extract it. The archive is not the expected one: delete it and fetch it again.");
            }
            Files.createDirectories(target.getParent());
            try (OutputStream out = Files.newOutputStream(target)) {
                content.transferTo(out);
            }
            extracted.put(name, target);
        });
        return extracted;
    }

    /** Receives each regular file; {@code content} yields exactly its {@code size} bytes. */
    @FunctionalInterface
    interface EntryHandler {
        void entry(String name, long size, InputStream content) throws IOException;
    }

    static void read(Path archive, EntryHandler handler) {
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
            file.mark(2);
            int b0 = file.read();
            int b1 = file.read();
            file.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(file, 1 << 16) : file;
            readEntries(archive, in, handler);
        } catch (EOFException e) {
            throw new PnnException(archive + ": the archive ends in the middle of an entry; expected a complete tar.gz. It is"
                    + " truncated: delete it and fetch it again.", e);
        } catch (ZipException e) {
            throw new PnnException(archive + ": expected a gzip-compressed tar archive, but the gzip data is corrupt ("
                    + e.getMessage() + "). Delete it and fetch it again.", e);
        } catch (IOException e) {
            throw new PnnException("Could not read " + archive + ": " + e + ". Check that it is a readable file.", e);
        }
    }

    private static void readEntries(Path archive, InputStream in, EntryHandler handler) throws IOException {
        byte[] header = new byte[BLOCK];
        @Nullable String longName = null;
        @Nullable Long paxSize = null;
        int entries = 0;
        while (true) {
            int n = in.readNBytes(header, 0, BLOCK);
            if (n == 0 && entries > 0) {
                return; // no end-of-archive blocks; accept, as GNU tar does
            }
            if (n < BLOCK) {
                throw new EOFException();
            }
            if (isZero(header)) {
                return; // end-of-archive marker
            }
            checkChecksum(archive, header, entries);
            entries++;
            char type = (char) header[156];
            long size = paxSize != null ? paxSize : parseSize(archive, header);
            String name = longName != null ? longName : headerName(header);
            longName = null;
            paxSize = null;
            switch (type) {
                case 'L' -> { // GNU long name: the data is the next entry's name
                    longName = cString(readData(in, size), 0, (int) size);
                    continue;
                }
                case 'x' -> { // pax extended header for the next entry
                    Map<String, String> pax = parsePax(archive, readData(in, size));
                    longName = pax.get("path");
                    String paxSizeText = pax.get("size");
                    if (paxSizeText != null) {
                        paxSize = Long.parseLong(paxSizeText.trim());
                    }
                    continue;
                }
                default -> {
                }
            }
            BoundedInputStream content = new BoundedInputStream(in, size);
            if (type == '0' || type == '\0' || type == '7') {
                handler.entry(stripDotSlash(name), size, content);
            }
            in.skipNBytes(content.remaining);
            in.skipNBytes(padding(size));
        }
    }

    private static byte[] readData(InputStream in, long size) throws IOException {
        if (size > 1 << 20) {
            throw new IOException("extended header of " + size + " bytes is implausibly large");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
            throw new EOFException();
        }
        in.skipNBytes(padding(size));
        return data;
    }

    private static long padding(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static void checkChecksum(Path archive, byte[] header, int index) {
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xFF;
        }
        long stored = parseOctal(header, 148, 8);
        if (stored != sum) {
            throw new PnnException(archive + ": header " + (index + 1) + " has checksum " + stored + ", computed " + sum
                    + "; expected a tar archive. The file is corrupt or not a tar.gz: delete it and fetch it again.");
        }
    }

    private static long parseSize(Path archive, byte[] header) {
        if ((header[124] & 0x80) != 0) { // GNU base-256 for sizes of 8 GiB and more
            long value = 0;
            for (int i = 125; i < 136; i++) {
                value = value << 8 | (header[i] & 0xFF);
            }
            return value;
        }
        long size = parseOctal(header, 124, 12);
        if (size < 0) {
            throw new PnnException(archive + ": an entry has an unreadable size field; the archive is corrupt. Delete it and"
                    + " fetch it again.");
        }
        return size;
    }

    /** Octal number padded with spaces or NULs; -1 if there is no digit. */
    private static long parseOctal(byte[] b, int offset, int length) {
        long value = 0;
        boolean digits = false;
        for (int i = offset; i < offset + length; i++) {
            int c = b[i];
            if (c >= '0' && c <= '7') {
                value = value * 8 + (c - '0');
                digits = true;
            } else if (c == 0 || c == ' ') {
                if (digits) {
                    break;
                }
            } else {
                return -1;
            }
        }
        return digits ? value : -1;
    }

    private static String headerName(byte[] header) {
        String name = cString(header, 0, 100);
        boolean ustar = header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a'
                && header[261] == 'r';
        if (ustar) {
            String prefix = cString(header, 345, 155);
            if (!prefix.isEmpty()) {
                return prefix + "/" + name;
            }
        }
        return name;
    }

    private static String cString(byte[] b, int offset, int length) {
        int end = offset;
        while (end < offset + length && b[end] != 0) {
            end++;
        }
        return new String(b, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String stripDotSlash(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        return n;
    }

    /** Records {@code "<length> <key>=<value>\n"}. */
    private static Map<String, String> parsePax(Path archive, byte[] data) {
        Map<String, String> values = new LinkedHashMap<>();
        int pos = 0;
        while (pos < data.length) {
            int space = pos;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new PnnException(archive + ": unreadable pax header; the archive is corrupt. Delete it and fetch it"
                        + " again.", e);
            }
            if (length <= 0 || pos + length > data.length) {
                throw new PnnException(archive + ": pax header record overruns its header; the archive is corrupt. Delete it"
                        + " and fetch it again.");
            }
            String record = new String(data, space + 1, pos + length - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                values.put(record.substring(0, eq), record.substring(eq + 1));
            }
            pos += length;
        }
        return values;
    }

    /** Lets the handler read at most {@code limit} bytes and records how many it left. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        long remaining;

        BoundedInputStream(InputStream in, long limit) {
            this.in = in;
            this.remaining = limit;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, remaining));
            if (n < 0) {
                throw new EOFException();
            }
            remaining -= n;
            return n;
        }

        @Override
        public void close() {
            // the archive stream stays open for the next entry
        }
    }
}
