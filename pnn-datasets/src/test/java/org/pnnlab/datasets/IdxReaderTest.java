package org.pnnlab.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.PnnException;

class IdxReaderTest {
    @TempDir
    Path tmp;

    private static final int COUNT = 3;
    private static final int ROWS = 2;
    private static final int COLS = 3;
    // covers 0, 255 and values above 127, which are negative as Java bytes
    private static final byte[] PIXELS = {
        0, 1, 2, 3, 4, 5,
        (byte) 255, (byte) 254, (byte) 128, 127, 100, 50,
        9, 8, 7, 6, 5, (byte) 200};
    private static final int[] LABELS = {7, 0, 9};

    @Test
    void roundTripRaw() {
        Path images = Fixtures.write(tmp.resolve("train-images-idx3-ubyte"), Fixtures.idxImages(COUNT, ROWS, COLS, PIXELS));
        Path labels = Fixtures.write(tmp.resolve("train-labels-idx1-ubyte"), Fixtures.idxLabels(LABELS));

        LabeledImages data = IdxReader.read("t", images, labels, 10);

        assertEquals(COUNT, data.count());
        assertEquals(1, data.channels());
        assertEquals(ROWS, data.height());
        assertEquals(COLS, data.width());
        assertArrayEquals(PIXELS, data.pixels());
        assertArrayEquals(LABELS, data.labels());
        assertEquals(255, data.pixel(1, 0, 0, 0));
        assertEquals(128, data.pixel(1, 0, 0, 2));
        assertEquals(200, data.pixel(2, 0, 1, 2));
        assertEquals(4, data.pixel(0, 0, 1, 1));
    }

    @Test
    void roundTripGzipDetectedByMagicNotName() {
        // gzip content under names without .gz, and raw content under a .gz name
        Path images = Fixtures.write(tmp.resolve("images.idx"),
                Fixtures.gzip(Fixtures.idxImages(COUNT, ROWS, COLS, PIXELS)));
        Path labels = Fixtures.write(tmp.resolve("labels.gz"), Fixtures.idxLabels(LABELS));

        LabeledImages data = IdxReader.read("t", images, labels, 10);

        assertArrayEquals(PIXELS, data.pixels());
        assertArrayEquals(LABELS, data.labels());
    }

    @Test
    void truncatedImagesFileNamesFileAndSizes() {
        byte[] full = Fixtures.idxImages(COUNT, ROWS, COLS, PIXELS); // 16 + 18 = 34 bytes
        Path file = Fixtures.write(tmp.resolve("cut-images"), Arrays.copyOf(full, 30));

        PnnException e = assertThrows(PnnException.class, () -> IdxReader.readImages(file));

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("expected 34 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("found 30 bytes"), e.getMessage());
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("fetch it again"), e.getMessage());
    }

    @Test
    void extraBytesAreAnErrorToo() {
        byte[] full = Fixtures.idxLabels(LABELS); // 8 + 3 = 11
        Path file = Fixtures.write(tmp.resolve("long-labels"), Arrays.copyOf(full, 12));

        PnnException e = assertThrows(PnnException.class, () -> IdxReader.readLabels(file, 10));

        assertTrue(e.getMessage().contains("expected 11 bytes") && e.getMessage().contains("found 12 bytes"),
                e.getMessage());
    }

    @Test
    void truncatedGzipIsNamed() {
        byte[] gz = Fixtures.gzip(Fixtures.idxImages(COUNT, ROWS, COLS, PIXELS));
        Path file = Fixtures.write(tmp.resolve("images.gz"), Arrays.copyOf(gz, gz.length - 12));

        PnnException e = assertThrows(PnnException.class, () -> IdxReader.readImages(file));

        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("truncated gzip"), e.getMessage());
    }

    @Test
    void headerShorterThanSixteenBytes() {
        Path file = Fixtures.write(tmp.resolve("tiny"), new byte[] {0, 0, 8, 3, 0, 0});

        PnnException e = assertThrows(PnnException.class, () -> IdxReader.readImages(file));

        assertTrue(e.getMessage().contains("16-byte header") && e.getMessage().contains("only 6 bytes"), e.getMessage());
    }

    @Test
    void badMagicNumber() {
        byte[] bytes = Fixtures.idxImages(COUNT, ROWS, COLS, PIXELS);
        bytes[3] = 0x04;
        Path file = Fixtures.write(tmp.resolve("odd"), bytes);

        PnnException e = assertThrows(PnnException.class, () -> IdxReader.readImages(file));

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("0x00000803") && e.getMessage().contains("0x00000804"), e.getMessage());
    }

    @Test
    void labelsFileGivenAsImagesSaysSwapped() {
        Path labels = Fixtures.write(tmp.resolve("labels"), Fixtures.idxLabels(LABELS));

        PnnException e = assertThrows(PnnException.class, () -> IdxReader.readImages(labels));

        assertTrue(e.getMessage().contains("swapped") && e.getMessage().contains("0x00000801"), e.getMessage());
    }

    @Test
    void labelOfTenIsRejected() {
        Path file = Fixtures.write(tmp.resolve("labels"), Fixtures.idxLabels(1, 2, 10, 3));

        PnnException e = assertThrows(PnnException.class, () -> IdxReader.readLabels(file, 10));

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("label 10 at index 2") && e.getMessage().contains("0..9"), e.getMessage());
    }

    @Test
    void labelBytesAreUnsigned() {
        // a byte of 200 must be read as 200 (rejected), not as -56
        Path file = Fixtures.write(tmp.resolve("labels"), Fixtures.idxLabels(200));

        PnnException e = assertThrows(PnnException.class, () -> IdxReader.readLabels(file, 10));

        assertTrue(e.getMessage().contains("label 200"), e.getMessage());
    }

    @Test
    void countsOfImagesAndLabelsMustAgree() {
        Path images = Fixtures.write(tmp.resolve("imgs"), Fixtures.idxImages(COUNT, ROWS, COLS, PIXELS));
        Path labels = Fixtures.write(tmp.resolve("lbls"), Fixtures.idxLabels(1, 2));

        PnnException e = assertThrows(PnnException.class, () -> IdxReader.read("t", images, labels, 10));

        assertTrue(e.getMessage().contains(images.toString()) && e.getMessage().contains(labels.toString()),
                e.getMessage());
        assertTrue(e.getMessage().contains("holds 3 images") && e.getMessage().contains("holds 2 labels"),
                e.getMessage());
    }

    @Test
    void dimensionsAreBigEndian() {
        // 1 image of 1 row x 258 columns: 258 = 0x00000102 big-endian; little-endian would read 0x02010000
        byte[] pixels = new byte[258];
        byte[] bytes = ByteBuffer.allocate(16 + 258).putInt(0x803).putInt(1).putInt(1).putInt(258).put(pixels).array();

        IdxReader.Images images = IdxReader.parseImages("wide", bytes);

        assertEquals(1, images.height());
        assertEquals(258, images.width());
    }
}
