package org.pnnlab.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pnnlab.api.PnnException;

class CifarReaderTest {
    @TempDir
    Path tmp;

    @Test
    void readsLabelsAndPlanesInRgbOrder() {
        Path file = Fixtures.write(tmp.resolve("data_batch_1.bin"), Fixtures.cifar(6, 0, 9));

        LabeledImages data = CifarReader.read("c", file, 3);

        assertEquals(3, data.count());
        assertEquals(3, data.channels());
        assertEquals(32, data.height());
        assertEquals(32, data.width());
        assertArrayEquals(new int[] {6, 0, 9}, data.labels());
        for (int i = 0; i < 3; i++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(Fixtures.planeValue(i, c), data.pixel(i, c, 0, 0), "image " + i + " channel " + c);
                assertEquals(Fixtures.planeValue(i, c), data.pixel(i, c, 31, 17), "image " + i + " channel " + c);
            }
        }
    }

    @Test
    void featureColumnsFollowThePlanes() {
        Path file = Fixtures.write(tmp.resolve("b.bin"), Fixtures.cifar(1, 2));
        LabeledImages data = CifarReader.read("c", file, 0);
        double[] mean = {0.4914, 0.4822, 0.4465};
        double[] std = {0.2023, 0.1994, 0.2010};

        INDArray f = data.features(mean, std);

        assertArrayEquals(new long[] {2, 3072}, f.shape());
        for (int c = 0; c < 3; c++) {
            for (int column : new int[] {c * 1024, c * 1024 + 1023}) {
                double expected = (Fixtures.planeValue(1, c) / 255.0 - mean[c]) / std[c];
                assertEquals(expected, f.getDouble(1, column), 1e-5, "channel " + c + " column " + column);
            }
        }
    }

    @Test
    void gzipBatchIsAccepted() {
        Path file = Fixtures.write(tmp.resolve("test_batch.bin"), Fixtures.gzip(Fixtures.cifar(4)));

        assertArrayEquals(new int[] {4}, CifarReader.read("c", file, 1).labels());
    }

    @Test
    void sizeNotAMultipleOfTheRecordIsNamed() {
        byte[] two = Fixtures.cifar(1, 2);
        Path file = Fixtures.write(tmp.resolve("data_batch_2.bin"), Arrays.copyOf(two, two.length - 100));

        PnnException e = assertThrows(PnnException.class, () -> CifarReader.read("c", file, 2));

        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("3073")
                && e.getMessage().contains("found 6046 bytes"), e.getMessage());
    }

    @Test
    void recordCountMustMatch() {
        Path file = Fixtures.write(tmp.resolve("data_batch_3.bin"), Fixtures.cifar(1, 2));

        PnnException e = assertThrows(PnnException.class, () -> CifarReader.read("c", file, 10000));

        assertTrue(e.getMessage().contains("expected 10000 records") && e.getMessage().contains("found 2 records"),
                e.getMessage());
    }

    @Test
    void labelAboveNineIsRejected() {
        Path file = Fixtures.write(tmp.resolve("data_batch_4.bin"), Fixtures.cifar(3, 10));

        PnnException e = assertThrows(PnnException.class, () -> CifarReader.read("c", file, 0));

        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("record 1")
                && e.getMessage().contains("label 10"), e.getMessage());
    }

    @Test
    void readAllConcatenatesFiles() {
        Path a = Fixtures.write(tmp.resolve("a.bin"), Fixtures.cifar(1, 2));
        Path b = Fixtures.write(tmp.resolve("b.bin"), Fixtures.cifar(3));

        LabeledImages all = CifarReader.readAll("c", List.of(a, b), 0);

        assertArrayEquals(new int[] {1, 2, 3}, all.labels());
        assertEquals(Fixtures.planeValue(0, 2), all.pixel(2, 2, 5, 5));
    }
}
