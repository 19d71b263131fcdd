package org.pnnlab.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.PnnException;

/** The CIFAR-10 path end to end on a small dataset in the real binary and tar.gz formats. */
class CifarDatasetTest {
    @TempDir
    Path tmp;

    private static final String DIR = "cifar-10-batches-bin/";
    private static final byte[] BATCH_1 = Fixtures.cifar(1, 2);
    private static final byte[] BATCH_2 = Fixtures.cifar(3, 4);
    private static final byte[] TEST = Fixtures.cifar(5, 6);
    private static final byte[] ARCHIVE = archive();

    private final DatasetLoader loader = new DatasetLoader(DatasetCatalog.standard(), Duration.ofSeconds(2),
            Duration.ofSeconds(20));

    private static byte[] archive() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(DIR, new byte[0]);
        entries.put(DIR + "batches.meta.txt", "airplane\n".getBytes());
        entries.put(DIR + "data_batch_1.bin", BATCH_1);
        entries.put(DIR + "data_batch_2.bin", BATCH_2);
        entries.put(DIR + "test_batch.bin", TEST);
        entries.put(DIR + "readme.html", "<html></html>".getBytes());
        return Fixtures.gzip(Fixtures.tar(entries));
    }

    /** Two train batches and one test batch of two records each, coming as {@code cifar-10-binary.tar.gz}. */
    private static DatasetSpec spec(List<URI> mirrors) {
        DatasetSpec real = DatasetCatalog.cifar10();
        return new DatasetSpec("small-cifar", "Small CIFAR", DatasetFormat.CIFAR10_BINARY, 3, 32, 32, real.classNames(),
                List.of(new DataFile(DIR + "data_batch_1.bin", null, 2), new DataFile(DIR + "data_batch_2.bin", null, 2)),
                List.of(new DataFile(DIR + "test_batch.bin", null, 2)), real.normalization(), mirrors,
                new Archive("cifar-10-binary.tar.gz", Fixtures.md5(ARCHIVE)), null, List.of());
    }

    private static void assertSmall(Split split) {
        assertEquals("small-cifar/train", split.train().name());
        assertArrayEquals(new int[] {1, 2, 3, 4}, split.train().labels());
        assertArrayEquals(new int[] {5, 6}, split.test().labels());
        // train image 2 is the first record of the second batch
        for (int c = 0; c < 3; c++) {
            assertEquals(Fixtures.planeValue(0, c), split.train().pixel(2, c, 7, 9));
            assertEquals(Fixtures.planeValue(1, c), split.test().pixel(1, c, 31, 31));
        }
        assertArrayEquals(new long[] {4, 3072}, split.trainFeatures().shape());
        assertArrayEquals(new long[] {2, 10}, split.test().labelsOneHot().shape());
    }

    private static List<String> filesIn(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void loadsBatchFilesFromTheDatasetFolder() {
        Path dir = tmp.resolve("small-cifar");
        Fixtures.write(dir.resolve(DIR + "data_batch_1.bin"), BATCH_1);
        Fixtures.write(dir.resolve(DIR + "data_batch_2.bin.gz"), Fixtures.gzip(BATCH_2));
        Fixtures.write(dir.resolve(DIR + "test_batch.bin"), TEST);

        assertSmall(loader.load(spec(List.of()), tmp, false));
    }

    @Test
    void aBatchWithTheWrongSizeIsNamed() {
        Path dir = tmp.resolve("small-cifar");
        Fixtures.write(dir.resolve(DIR + "data_batch_1.bin"), BATCH_1);
        Fixtures.write(dir.resolve(DIR + "data_batch_2.bin"), Arrays.copyOf(BATCH_2, 4000));
        Fixtures.write(dir.resolve(DIR + "test_batch.bin"), TEST);

        PnnException e = assertThrows(PnnException.class, () -> loader.load(spec(List.of()), tmp, false));

        assertTrue(e.getMessage().contains(dir.resolve(DIR + "data_batch_2.bin").toString())
                && e.getMessage().contains("found 4000 bytes"), e.getMessage());
    }

    @Test
    void importsTheArchiveFromAFolder() throws IOException {
        Fixtures.write(tmp.resolve("downloads/cifar-10-binary.tar.gz"), ARCHIVE);
        Path data = tmp.resolve("data");

        loader.importFrom(spec(List.of()), tmp.resolve("downloads"), data);

        assertEquals(List.of("cifar-10-batches-bin", DIR + "data_batch_1.bin", DIR + "data_batch_2.bin",
                DIR + "test_batch.bin"), filesIn(data.resolve("small-cifar")), "only the batches, no staging left");
        assertSmall(loader.load(spec(List.of()), data, false));
    }

    @Test
    void importsTheArchiveGivenDirectly() {
        Path archive = Fixtures.write(tmp.resolve("cifar-10-binary.tar.gz"), ARCHIVE);

        loader.importFrom(spec(List.of()), archive, tmp.resolve("data"));

        assertSmall(loader.load(spec(List.of()), tmp.resolve("data"), false));
    }

    @Test
    void importsUnpackedBatchFilesLyingFlatInAFolder() {
        Path source = tmp.resolve("unpacked");
        Fixtures.write(source.resolve("data_batch_1.bin"), BATCH_1);
        Fixtures.write(source.resolve("data_batch_2.bin"), BATCH_2);
        Fixtures.write(source.resolve("test_batch.bin.gz"), Fixtures.gzip(TEST));

        loader.importFrom(spec(List.of()), source, tmp.resolve("data"));

        assertSmall(loader.load(spec(List.of()), tmp.resolve("data"), false));
    }

    @Test
    void anArchiveWithTheWrongMd5IsRefusedOnImport() throws IOException {
        byte[] other = Arrays.copyOf(ARCHIVE, ARCHIVE.length);
        other[other.length - 1] ^= 1;
        Path archive = Fixtures.write(tmp.resolve("in/cifar-10-binary.tar.gz"), other);

        PnnException e = assertThrows(PnnException.class,
                () -> loader.importFrom(spec(List.of()), tmp.resolve("in"), tmp.resolve("data")));

        assertTrue(e.getMessage().contains(archive.toString()) && e.getMessage().contains(Fixtures.md5(other))
                && e.getMessage().contains(Fixtures.md5(ARCHIVE)), e.getMessage());
        assertEquals(List.of(), filesIn(tmp.resolve("data/small-cifar")));
    }

    @Test
    void downloadsTheArchiveSkippingAMirrorWithAWrongOne() throws IOException {
        try (FixtureServer server = new FixtureServer()) {
            byte[] other = Fixtures.gzip(Fixtures.tar(Map.of(DIR + "data_batch_1.bin", BATCH_1)));
            server.put("wrong", "cifar-10-binary.tar.gz", other);
            server.put("right", "cifar-10-binary.tar.gz", ARCHIVE);

            Split split = loader.load(spec(List.of(server.base("wrong"), server.base("right"))), tmp, true);

            assertSmall(split);
            assertEquals(List.of("/wrong/cifar-10-binary.tar.gz", "/right/cifar-10-binary.tar.gz"), server.requests);
            assertEquals(List.of("cifar-10-batches-bin", DIR + "data_batch_1.bin", DIR + "data_batch_2.bin",
                    DIR + "test_batch.bin"), filesIn(tmp.resolve("small-cifar")), "archive and staging removed");
        }
    }

    @Test
    void aWrongArchiveOnEveryMirrorLeavesNothingBehind() throws IOException {
        try (FixtureServer server = new FixtureServer()) {
            byte[] other = Fixtures.gzip(Fixtures.tar(Map.of(DIR + "data_batch_1.bin", BATCH_1)));
            server.put("m", "cifar-10-binary.tar.gz", other);

            PnnException e = assertThrows(PnnException.class,
                    () -> loader.load(spec(List.of(server.base("m"))), tmp, true));

            assertTrue(e.getMessage().contains("MD5 of the download is " + Fixtures.md5(other))
                    && e.getMessage().contains("expected " + Fixtures.md5(ARCHIVE))
                    && e.getMessage().contains("pnn data import small-cifar"), e.getMessage());
            assertEquals(List.of(), filesIn(tmp.resolve("small-cifar")));
        }
    }
}
