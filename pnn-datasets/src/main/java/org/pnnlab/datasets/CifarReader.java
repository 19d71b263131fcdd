package org.pnnlab.datasets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pnnlab.api.PnnException;

/**
 * Reads the binary version of CIFAR-10: each file is a sequence of records of one label byte followed by
 * 3072 pixel bytes, the 32x32 red plane, then green, then blue (each row-major). Files may be gzip-compressed.
 */
public final class CifarReader {
    public static final int CHANNELS = 3;
    public static final int SIZE = 32;
    public static final int IMAGE_BYTES = CHANNELS * SIZE * SIZE;
    public static final int RECORD_BYTES = 1 + IMAGE_BYTES;
    public static final int NUM_CLASSES = 10;
    /** Records in each of the official batch files. */
    public static final int RECORDS_PER_FILE = 10000;

    private CifarReader() {
    }

    /**
     * Reads one file; {@code expectedRecords} is the number of records it must hold (0 for any number).
     */
    public static LabeledImages read(String name, Path file, int expectedRecords) {
        return parse(name, file.toString(), DataBytes.readContent(file), expectedRecords);
    }

    /** Reads the files and puts their records one after another. */
    public static LabeledImages readAll(String name, List<Path> files, int expectedRecordsPerFile) {
        List<LabeledImages> parts = new ArrayList<>();
        for (Path file : files) {
            parts.add(read(name, file, expectedRecordsPerFile));
        }
        return LabeledImages.concat(name, parts);
    }

    /** Parses the content of one file; {@code source} names it in messages. */
    public static LabeledImages parse(String name, String source, byte[] content, int expectedRecords) {
        if (DataBytes.isGzip(content)) {
            content = DataBytes.decompressIfGzip(source, content);
        }
        if (content.length % RECORD_BYTES != 0) {
            throw new PnnException(source + ": expected a CIFAR-10 binary file made of " + RECORD_BYTES
                    + "-byte records (1 label + 3x32x32 pixels), found " + content.length + " bytes, which is "
                    + content.length / RECORD_BYTES + " records and " + content.length % RECORD_BYTES
                    + " bytes left over; the file is truncated or not a CIFAR-10 binary file"
                    + " (the Python and MATLAB versions are different formats). Delete it and fetch it again.");
        }
        int count = content.length / RECORD_BYTES;
        if (expectedRecords > 0 && count != expectedRecords) {
            throw new PnnException(source + ": expected " + expectedRecords + " records (" + (long) expectedRecords * RECORD_BYTES
                    + " bytes), found " + count + " records (" + content.length + " bytes). Delete it and fetch it again.");
        }
        byte[] pixels = new byte[count * IMAGE_BYTES];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            int offset = i * RECORD_BYTES;
            int label = content[offset] & 0xFF;
            if (label >= NUM_CLASSES) {
                throw new PnnException(source + ": record " + i + " (byte offset " + offset + ") has label " + label
                        + "; expected 0..9. This is not a CIFAR-10 binary file (CIFAR-100 has two label bytes) or it is"
                        + " corrupt: delete it and fetch it again.");
            }
            labels[i] = label;
            System.arraycopy(content, offset + 1, pixels, i * IMAGE_BYTES, IMAGE_BYTES);
        }
        return new LabeledImages(name, count, CHANNELS, SIZE, SIZE, pixels, labels, NUM_CLASSES);
    }
}
