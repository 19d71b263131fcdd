package org.pnnlab.datasets;

import java.nio.file.Path;
import java.util.Arrays;
import org.pnnlab.api.PnnException;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST, raw or gzip-compressed (recognised by the gzip
 * magic bytes, not by the file name).
 *
 * <p>Images file: magic {@code 0x00000803}, then count, rows, columns as big-endian 32-bit integers,
 * then {@code count*rows*columns} unsigned bytes. Labels file: magic {@code 0x00000801}, count, then
 * {@code count} unsigned bytes. Everything that does not fit is a {@link PnnException} naming the file.
 */
public final class IdxReader {
    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;
    static final int IMAGES_HEADER = 16;
    static final int LABELS_HEADER = 8;

    private static final String FIX = "The file is truncated or corrupt: delete it and fetch it again.";

    private IdxReader() {
    }

    /** The content of an images file: {@code count} images of {@code height x width} unsigned bytes. */
    public record Images(int count, int height, int width, byte[] pixels) {
    }

    /** Reads images and labels and checks that they agree; the images get one channel. */
    public static LabeledImages read(String name, Path imagesFile, Path labelsFile, int numClasses) {
        Images images = readImages(imagesFile);
        int[] labels = readLabels(labelsFile, numClasses);
        return combine(name, imagesFile.toString(), images, labelsFile.toString(), labels, numClasses);
    }

    public static Images readImages(Path file) {
        return parseImages(file.toString(), DataBytes.readContent(file));
    }

    public static int[] readLabels(Path file, int numClasses) {
        return parseLabels(file.toString(), DataBytes.readContent(file), numClasses);
    }

    /** Parses the (decompressed) content of an images file; {@code source} names it in messages. */
    public static Images parseImages(String source, byte[] content) {
        if (DataBytes.isGzip(content)) {
            content = DataBytes.decompressIfGzip(source, content);
        }
        checkHeader(source, content, IMAGES_MAGIC, IMAGES_HEADER, "images", "labels");
        int count = readDim(source, content, 4, "image count");
        int rows = readDim(source, content, 8, "row count");
        int cols = readDim(source, content, 12, "column count");
        if (rows == 0 || cols == 0) {
            throw new PnnException(source + ": images of " + rows + "x" + cols + " pixels in the IDX header; expected at least"
                    + " 1x1. " + FIX);
        }
        long payload = (long) count * rows * cols;
        checkLength(source, content, IMAGES_HEADER, payload,
                count + " images of " + rows + "x" + cols + " pixels");
        return new Images(count, rows, cols, Arrays.copyOfRange(content, IMAGES_HEADER, content.length));
    }

    /** Parses the (decompressed) content of a labels file; every label must be below {@code numClasses}. */
    public static int[] parseLabels(String source, byte[] content, int numClasses) {
        if (DataBytes.isGzip(content)) {
            content = DataBytes.decompressIfGzip(source, content);
        }
        checkHeader(source, content, LABELS_MAGIC, LABELS_HEADER, "labels", "images");
        int count = readDim(source, content, 4, "label count");
        checkLength(source, content, LABELS_HEADER, count, count + " labels");
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            int label = content[LABELS_HEADER + i] & 0xFF;
            if (label >= numClasses) {
                throw new PnnException(source + ": label " + label + " at index " + i + " is out of range; expected labels 0.."
                        + (numClasses - 1) + " (" + numClasses + " classes). This is not a labels file of this dataset, or it"
                        + " is corrupt: delete it and fetch it again.");
            }
            labels[i] = label;
        }
        return labels;
    }

    /** Puts images and labels together, checking that their counts agree. */
    public static LabeledImages combine(String name, String imagesSource, Images images, String labelsSource, int[] labels,
                                        int numClasses) {
        if (images.count() != labels.length) {
            throw new PnnException("The images file " + imagesSource + " holds " + images.count()
                    + " images but the labels file " + labelsSource + " holds " + labels.length
                    + " labels; expected the same number. Use the images and labels of the same part (train or t10k),"
                    + " and fetch them again if one of them is damaged.");
        }
        return new LabeledImages(name, images.count(), 1, images.height(), images.width(), images.pixels(), labels,
                numClasses);
    }

    private static void checkHeader(String source, byte[] content, int magic, int headerLength, String kind,
                                    String otherKind) {
        // the magic number first: a swapped or foreign file is better reported as such than as "too short"
        if (content.length >= 4) {
            int found = readInt(content, 0);
            if (found != magic) {
                String hint = found == (magic == IMAGES_MAGIC ? LABELS_MAGIC : IMAGES_MAGIC)
                        ? " This is an IDX " + otherKind + " file: the images and labels files seem to be swapped."
                        : " This is not an IDX " + kind + " file (or it is corrupt): delete it and fetch it again.";
                throw new PnnException(source + ": expected the IDX " + kind + " magic number " + hex(magic) + ", found "
                        + hex(found) + "." + hint);
            }
        }
        if (content.length < headerLength) {
            throw new PnnException(source + ": expected an IDX " + kind + " file with a " + headerLength
                    + "-byte header, found only " + content.length + " bytes. " + FIX);
        }
    }

    private static void checkLength(String source, byte[] content, int headerLength, long payload, String what) {
        long expected = headerLength + payload;
        if (content.length != expected) {
            String problem = content.length < expected ? "truncated" : "longer than its header says";
            throw new PnnException(source + ": the header announces " + what + ", so expected " + expected + " bytes ("
                    + headerLength + " header + " + payload + " data), found " + content.length + " bytes; the file is "
                    + problem + ". Delete it and fetch it again.");
        }
    }

    private static int readDim(String source, byte[] content, int offset, String what) {
        int value = readInt(content, offset);
        if (value < 0) {
            throw new PnnException(source + ": negative " + what + " " + value + " in the IDX header; expected a count >= 0. "
                    + FIX);
        }
        return value;
    }

    /** Big-endian 32-bit integer. */
    private static int readInt(byte[] b, int offset) {
        return (b[offset] & 0xFF) << 24 | (b[offset + 1] & 0xFF) << 16 | (b[offset + 2] & 0xFF) << 8 | (b[offset + 3] & 0xFF);
    }

    private static String hex(int value) {
        return String.format("0x%08x", value);
    }
}
