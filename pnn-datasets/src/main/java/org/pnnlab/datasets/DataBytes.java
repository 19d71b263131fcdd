package org.pnnlab.datasets;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.pnnlab.api.PnnException;

/** Reading files whole, gzip detection by magic bytes, and digests. */
final class DataBytes {
    private DataBytes() {
    }

    /** True if the content starts with the gzip magic bytes 0x1f 0x8b. */
    static boolean isGzip(byte[] content) {
        return content.length >= 2 && (content[0] & 0xFF) == 0x1f && (content[1] & 0xFF) == 0x8b;
    }

    /** The bytes of a file as stored (not decompressed). */
    static byte[] readStored(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new PnnException("File not found: " + file + ". Check the path, or fetch the dataset again.", e);
        } catch (IOException e) {
            throw new PnnException("Could not read " + file + ": " + e + ". Check that it is a readable file.", e);
        }
    }

    /** The content of a file, decompressed if it is gzip-compressed (whatever its name). */
    static byte[] readContent(Path file) {
        return decompressIfGzip(file.toString(), readStored(file));
    }

    /** {@code stored} itself, or its decompressed content if it starts with the gzip magic bytes. */
    static byte[] decompressIfGzip(String source, byte[] stored) {
        if (!isGzip(stored)) {
            return stored;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(stored), 1 << 16)) {
            return in.readAllBytes();
        } catch (EOFException e) {
            throw new PnnException(source + " is a truncated gzip file (" + stored.length
                    + " compressed bytes, the stream ends early). Delete it and fetch it again.", e);
        } catch (ZipException e) {
            throw new PnnException(source + " starts like a gzip file but is corrupt (" + e.getMessage()
                    + "). Delete it and fetch it again.", e);
        } catch (IOException e) {
            throw new PnnException("Could not decompress " + source + ": " + e + ". Delete it and fetch it again.", e);
        }
    }

    static String sha256(byte[] content) {
        return HexFormat.of().formatHex(digest("SHA-256").digest(content));
    }

    /** MD5 of a file's stored bytes, streamed. */
    static String md5(Path file) {
        MessageDigest md = digest("MD5");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new PnnException("Could not read " + file + ": " + e + ". Check that it is a readable file.", e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no " + algorithm, e);
        }
    }
}
