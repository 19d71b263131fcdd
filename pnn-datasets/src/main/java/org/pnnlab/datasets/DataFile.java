package org.pnnlab.datasets;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One file of a dataset.
 *
 * @param path    relative to the dataset's folder, with {@code /} separators, without {@code .gz}
 *                (e.g. {@code train-images-idx3-ubyte}, {@code cifar-10-batches-bin/data_batch_1.bin});
 *                the file may be stored raw or gzip-compressed as {@code <path>.gz}
 * @param sha256  SHA-256 of the uncompressed content (lower-case hex), or null if not known, in which
 *                case only the structure is checked
 * @param records number of images or labels the file must hold, or 0 for any number
 */
public record DataFile(String path, @Nullable String sha256, int records) {

    public DataFile {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.endsWith(".gz")
                || java.util.Arrays.asList(path.split("/")).contains("..")) {
            throw new IllegalArgumentException("not a relative data file path without .gz: " + path);
        }
        if (sha256 != null) {
            sha256 = sha256.toLowerCase(Locale.ROOT);
            if (!sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException(path + ": not a SHA-256 in hex: " + sha256);
            }
        }
        if (records < 0) {
            throw new IllegalArgumentException(path + ": records must be >= 0, got " + records);
        }
    }

    /** The last part of {@link #path}. */
    public String fileName() {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
