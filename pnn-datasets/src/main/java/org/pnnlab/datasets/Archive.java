package org.pnnlab.datasets;

import java.util.Locale;

/**
 * An archive that a dataset is downloaded as (the files are extracted from it, the archive is not kept).
 * Its entries are matched against the {@link DataFile#path()}s.
 *
 * @param fileName name of the {@code .tar.gz} at each mirror (and in a folder being imported)
 * @param md5      MD5 of the archive as published (lower-case hex)
 */
public record Archive(String fileName, String md5) {

    public Archive {
        if (fileName.isEmpty() || fileName.contains("/")) {
            throw new IllegalArgumentException("not a file name: " + fileName);
        }
        md5 = md5.toLowerCase(Locale.ROOT);
        if (!md5.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException(fileName + ": not an MD5 in hex: " + md5);
        }
    }
}
