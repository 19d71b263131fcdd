package org.pnnlab.datasets;

import org.pnnlab.api.data.Normalization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The real MNIST and Fashion-MNIST files, imported and loaded with the catalogue's checksums. Skipped where the
 * files are not on the machine (they are not part of the build).
 */
class FullDatasetsTest {
    static final Path MNIST = Path.of("/tmp/mnist/package/data");
    static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    @TempDir
    Path tmp;

    @Test
    void fullMnist() {
        assumeTrue(Files.isRegularFile(MNIST.resolve("train-images-idx3-ubyte")), "no MNIST files in " + MNIST);

        Datasets.importFrom("mnist", MNIST, tmp);
        Split split = Datasets.load("mnist", tmp, false);

        assertEquals(60000, split.train().count());
        assertEquals(10000, split.test().count());
        assertArrayEquals(new int[] {5, 0, 4, 1, 9}, Arrays.copyOf(split.train().labels(), 5));
        // the bundled subset is exactly the head of the full files
        Split subset = Datasets.load("mnist-subset", tmp, false);
        assertEquals(subset.train().head(6000).withName("x"), split.train().head(6000).withName("x"));
        assertEquals(subset.test().withName("x"), split.test().head(1000).withName("x"));
    }

    @Test
    void fullFashionMnistAndItsNormalisation() {
        assumeTrue(Files.isRegularFile(FASHION.resolve("train-images-idx3-ubyte.gz")), "no Fashion-MNIST in " + FASHION);

        Datasets.importFrom("fashion-mnist", FASHION, tmp);
        Split split = Datasets.load("fashion-mnist", tmp, false);

        assertEquals(60000, split.train().count());
        assertEquals(10000, split.test().count());
        for (int count : split.train().labelCounts()) {
            assertEquals(6000, count);
        }
        INDArray raw = split.train().features(Normalization.of(0, 1));
        // the catalogue's 0.2860 / 0.3530 are these, rounded to 4 digits
        assertEquals(0.2860, Fixtures.mean(raw), 5e-5);
        assertEquals(0.3530, Fixtures.std(raw), 5e-5);
        INDArray x = split.trainFeatures();
        assertEquals(0.0, Fixtures.mean(x), 1e-3);
        assertEquals(1.0, Fixtures.std(x), 1e-3);
    }
}
