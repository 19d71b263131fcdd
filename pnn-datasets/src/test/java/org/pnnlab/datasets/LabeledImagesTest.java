package org.pnnlab.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class LabeledImagesTest {

    /** 2 images of 2 channels x 1 x 2: channel planes are contiguous within an image. */
    private static LabeledImages twoChannel() {
        byte[] pixels = {
            0, (byte) 255, /* channel 1: */ 51, (byte) 204,
            (byte) 128, 1, /* channel 1: */ 102, 0};
        return new LabeledImages("t", 2, 2, 1, 2, pixels, new int[] {3, 1}, 4);
    }

    @Test
    void featuresAreNormalisedPerChannel() {
        LabeledImages data = twoChannel();
        double[] mean = {0.5, 0.1};
        double[] std = {0.25, 0.2};

        INDArray f = data.features(mean, std);

        assertEquals(DataType.FLOAT, f.dataType());
        assertArrayEquals(new long[] {2, 4}, f.shape());
        int[][] raw = {{0, 255, 51, 204}, {128, 1, 102, 0}};
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 4; k++) {
                int c = k / 2;
                double expected = (raw[i][k] / 255.0 - mean[c]) / std[c];
                assertEquals(expected, f.getDouble(i, k), 1e-5, "image " + i + " column " + k);
            }
        }
    }

    @Test
    void featuresRejectWrongChannelCount() {
        assertThrows(IllegalArgumentException.class, () -> twoChannel().features(new double[] {0.5}, new double[] {0.2}));
    }

    @Test
    void oneHotLabels() {
        INDArray y = twoChannel().labelsOneHot();

        assertEquals(DataType.FLOAT, y.dataType());
        assertArrayEquals(new long[] {2, 4}, y.shape());
        assertArrayEquals(new float[] {0, 0, 0, 1}, y.getRow(0).toFloatVector());
        assertArrayEquals(new float[] {0, 1, 0, 0}, y.getRow(1).toFloatVector());
    }

    @Test
    void subsetAndHead() {
        LabeledImages data = twoChannel();

        LabeledImages swapped = data.subset(new int[] {1, 0, 1});
        assertEquals(3, swapped.count());
        assertArrayEquals(new int[] {1, 3, 1}, swapped.labels());
        assertEquals(128, swapped.pixel(0, 0, 0, 0));
        assertEquals(255, swapped.pixel(1, 0, 0, 1));
        assertEquals(204, swapped.pixel(1, 1, 0, 1));

        LabeledImages first = data.head(1);
        assertEquals(1, first.count());
        assertArrayEquals(new byte[] {0, (byte) 255, 51, (byte) 204}, first.pixels());
        assertSame(data, data.head(5));
        assertThrows(IndexOutOfBoundsException.class, () -> data.subset(new int[] {2}));
    }

    @Test
    void concatKeepsOrder() {
        LabeledImages data = twoChannel();

        LabeledImages both = LabeledImages.concat("x", List.of(data.head(1), data.subset(new int[] {1})));

        assertEquals(data.count(), both.count());
        assertArrayEquals(data.pixels(), both.pixels());
        assertArrayEquals(data.labels(), both.labels());
    }

    @Test
    void constructorChecksSizes() {
        assertThrows(IllegalArgumentException.class,
                () -> new LabeledImages("bad", 2, 1, 2, 2, new byte[7], new int[2], 10));
        assertThrows(IllegalArgumentException.class,
                () -> new LabeledImages("bad", 1, 1, 1, 1, new byte[1], new int[] {10}, 10));
    }

    @Test
    void emptySetGivesEmptyArrays() {
        LabeledImages none = twoChannel().head(0);

        assertArrayEquals(new long[] {0, 4}, none.features(new double[] {0, 0}, new double[] {1, 1}).shape());
        assertArrayEquals(new long[] {0, 4}, none.labelsOneHot().shape());
    }
}
