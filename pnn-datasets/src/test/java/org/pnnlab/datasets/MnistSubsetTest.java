package org.pnnlab.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The MNIST subset bundled in the jar. */
class MnistSubsetTest {
    @TempDir
    Path tmp;

    @Test
    void loadsFromTheClasspathWithTheRightShapesAndLabels() throws IOException {
        Split split = Datasets.load("mnist-subset", tmp, false);

        LabeledImages train = split.train();
        LabeledImages test = split.test();
        assertEquals(6000, train.count());
        assertEquals(1000, test.count());
        assertEquals("1x28x28, 10 classes", train.shape());
        // the well-known first labels of the MNIST training and test files
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, Arrays.copyOf(train.labels(), 10));
        assertArrayEquals(new int[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, Arrays.copyOf(test.labels(), 10));
        // every digit is present, none dominates (train: 514..671 per class, test: 85..126)
        for (int count : train.labelCounts()) {
            assertTrue(count > 450 && count < 750, Arrays.toString(train.labelCounts()));
        }
        for (int count : test.labelCounts()) {
            assertTrue(count > 60 && count < 150, Arrays.toString(test.labelCounts()));
        }
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(0, files.count(), "the data folder is not touched");
        }
    }

    @Test
    void featuresAreNormalised() {
        Split split = Datasets.load("mnist-subset", tmp, false);

        INDArray x = split.trainFeatures();

        assertEquals(DataType.FLOAT, x.dataType());
        assertArrayEquals(new long[] {6000, 784}, x.shape());
        // measured on this subset with MNIST's mean/std: mean 0.0025, std 1.0028
        assertEquals(0.0, Fixtures.mean(x), 0.01);
        assertEquals(1.0, Fixtures.std(x), 0.02);
        // background pixels are 0, so the minimum is -mean/std
        assertEquals(-0.1307 / 0.3081, x.minNumber().doubleValue(), 1e-5);
        assertEquals((1 - 0.1307) / 0.3081, x.maxNumber().doubleValue(), 1e-5);
        assertArrayEquals(new long[] {1000, 10}, split.test().labelsOneHot().shape());
        assertEquals(1000.0, split.test().labelsOneHot().sumNumber().doubleValue(), 0.0);
    }
}
