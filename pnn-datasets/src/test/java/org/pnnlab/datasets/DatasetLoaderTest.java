package org.pnnlab.datasets;

import org.pnnlab.api.data.Normalization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.PnnException;

/** Loading, checking, downloading (from a loopback server) and importing, on a tiny IDX dataset. */
class DatasetLoaderTest {
    @TempDir
    Path tmp;

    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    static final byte[] TRAIN_IMAGES_BYTES = Fixtures.idxImages(5, 4, 4, Fixtures.patternPixels(5, 16));
    static final byte[] TRAIN_LABELS_BYTES = Fixtures.idxLabels(0, 1, 2, 3, 9);
    static final byte[] TEST_IMAGES_BYTES = Fixtures.idxImages(3, 4, 4, Fixtures.patternPixels(3, 16));
    static final byte[] TEST_LABELS_BYTES = Fixtures.idxLabels(4, 5, 6);

    private final DatasetLoader loader = new DatasetLoader(DatasetCatalog.standard(), Duration.ofSeconds(2),
            Duration.ofSeconds(20));

    static DatasetSpec tiny(List<URI> mirrors) {
        return new DatasetSpec("tiny", "Tiny test digits", DatasetFormat.IDX, 1, 4, 4,
                List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
                List.of(new DataFile(TRAIN_IMAGES, Fixtures.sha256(TRAIN_IMAGES_BYTES), 5),
                        new DataFile(TRAIN_LABELS, Fixtures.sha256(TRAIN_LABELS_BYTES), 5)),
                List.of(new DataFile(TEST_IMAGES, Fixtures.sha256(TEST_IMAGES_BYTES), 3),
                        new DataFile(TEST_LABELS, Fixtures.sha256(TEST_LABELS_BYTES), 3)),
                Normalization.of(0.5, 0.25), mirrors, null, null, List.of("A hint for tiny."));
    }

    /** Writes the four files into {@code dir}: train raw, test gzip-compressed. */
    static void writeTiny(Path dir) {
        Fixtures.write(dir.resolve(TRAIN_IMAGES), TRAIN_IMAGES_BYTES);
        Fixtures.write(dir.resolve(TRAIN_LABELS), TRAIN_LABELS_BYTES);
        Fixtures.write(dir.resolve(TEST_IMAGES + ".gz"), Fixtures.gzip(TEST_IMAGES_BYTES));
        Fixtures.write(dir.resolve(TEST_LABELS + ".gz"), Fixtures.gzip(TEST_LABELS_BYTES));
    }

    private static void assertTiny(Split split) {
        assertEquals("tiny/train", split.train().name());
        assertEquals(5, split.train().count());
        assertEquals(3, split.test().count());
        assertArrayEquals(new int[] {0, 1, 2, 3, 9}, split.train().labels());
        assertArrayEquals(new int[] {4, 5, 6}, split.test().labels());
        assertArrayEquals(Fixtures.patternPixels(5, 16), split.train().pixels());
        assertEquals(Normalization.of(0.5, 0.25), split.normalization());
    }

    private static void assertMessage(PnnException e, String... parts) {
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "missing '" + part + "' in: " + e.getMessage());
        }
    }

    private static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    // ---- loading from the data folder

    @Test
    void loadsRawAndGzipFilesFromTheDatasetFolder() {
        writeTiny(tmp.resolve("tiny"));

        Split split = loader.load(tiny(List.of()), tmp, false);

        assertTiny(split);
        assertArrayEquals(new long[] {5, 16}, split.trainFeatures().shape());
    }

    @Test
    void checksumMismatchNamesFileBothHashesAndTheFix() {
        writeTiny(tmp.resolve("tiny"));
        byte[] changed = TRAIN_IMAGES_BYTES.clone();
        changed[40] ^= 1; // one pixel: structure intact, content different
        Path file = Fixtures.write(tmp.resolve("tiny").resolve(TRAIN_IMAGES), changed);

        PnnException e = assertThrows(PnnException.class, () -> loader.load(tiny(List.of()), tmp, false));

        assertMessage(e, file.toString(), Fixtures.sha256(changed), Fixtures.sha256(TRAIN_IMAGES_BYTES),
                "SHA-256", "delete it and fetch it again");
    }

    @Test
    void checksumIsOfTheUncompressedContent() {
        Path dir = tmp.resolve("tiny");
        writeTiny(dir);
        // the same content compressed differently still matches
        Fixtures.write(dir.resolve(TRAIN_LABELS), new byte[0]);
        assertThrows(PnnException.class, () -> loader.load(tiny(List.of()), tmp, false));
        try {
            Files.delete(dir.resolve(TRAIN_LABELS));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Fixtures.write(dir.resolve(TRAIN_LABELS + ".gz"), Fixtures.gzip(TRAIN_LABELS_BYTES));

        assertTiny(loader.load(tiny(List.of()), tmp, false));
    }

    @Test
    void missingFilesWithoutDownloadSayWhatToPutWhere() {
        Path dir = tmp.resolve("tiny");
        writeTiny(dir);
        try {
            Files.delete(dir.resolve(TEST_LABELS + ".gz"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        URI mirror = URI.create("https://example.org/tiny/");

        PnnException e = assertThrows(PnnException.class, () -> loader.load(tiny(List.of(mirror)), tmp, false));

        assertMessage(e, dir.toString(), "missing " + TEST_LABELS, mirror.toString(), "pnn data download tiny",
                "pnn data import tiny", "A hint for tiny.");
        assertFalse(e.getMessage().contains("missing " + TRAIN_IMAGES), e.getMessage());
        assertEquals(List.of(TEST_LABELS), loader.missingFiles(tiny(List.of()), tmp).stream().map(DataFile::path).toList());
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        PnnException e = assertThrows(PnnException.class, () -> loader.load("mnsit", tmp, false));

        assertMessage(e, "'mnsit'", "mnist, fashion-mnist, cifar-10, mnist-subset");
    }

    // ---- downloading

    private static void serveTiny(FixtureServer server, String mirror) {
        server.put(mirror, TRAIN_IMAGES + ".gz", Fixtures.gzip(TRAIN_IMAGES_BYTES));
        server.put(mirror, TRAIN_LABELS + ".gz", Fixtures.gzip(TRAIN_LABELS_BYTES));
        server.put(mirror, TEST_IMAGES + ".gz", Fixtures.gzip(TEST_IMAGES_BYTES));
        server.put(mirror, TEST_LABELS + ".gz", Fixtures.gzip(TEST_LABELS_BYTES));
    }

    @Test
    void downloadsMissingFilesFromAMirror() throws IOException {
        try (FixtureServer server = new FixtureServer()) {
            serveTiny(server, "good");

            Split split = loader.load(tiny(List.of(server.base("good"))), tmp, true);

            assertTiny(split);
            assertEquals(List.of(TEST_IMAGES + ".gz", TEST_LABELS + ".gz", TRAIN_IMAGES + ".gz", TRAIN_LABELS + ".gz"),
                    filesIn(tmp.resolve("tiny")), "downloaded .gz files in place and no temporary files left");
            assertTrue(server.requests.contains("/good/" + TRAIN_IMAGES + ".gz"), server.requests.toString());
            int requests = server.requests.size();

            assertTiny(loader.load(tiny(List.of(server.base("good"))), tmp, true));
            assertEquals(requests, server.requests.size(), "present files are not fetched again");
        }
    }

    @Test
    void aFailingMirrorIsSkippedForTheNext() throws IOException {
        try (FixtureServer server = new FixtureServer()) {
            serveTiny(server, "second");
            // the first mirror has only one file (404 for the rest), and a wrong one for the test labels
            server.put("first", TRAIN_IMAGES + ".gz", Fixtures.gzip(TRAIN_IMAGES_BYTES));
            server.put("first", TEST_LABELS + ".gz", Fixtures.gzip(Fixtures.idxLabels(4, 5, 7)));

            Split split = loader.load(tiny(List.of(server.base("first"), server.base("second"))), tmp, true);

            assertTiny(split);
            assertTrue(server.requests.containsAll(List.of("/first/" + TRAIN_LABELS + ".gz",
                    "/second/" + TRAIN_LABELS + ".gz", "/first/" + TEST_LABELS + ".gz", "/second/" + TEST_LABELS + ".gz")),
                    server.requests.toString());
            assertFalse(server.requests.contains("/second/" + TRAIN_IMAGES + ".gz"), "the first mirror had it");
            assertEquals(4, filesIn(tmp.resolve("tiny")).size());
        }
    }

    @Test
    void aDownloadWithTheWrongChecksumIsRejectedAndNotKept() throws IOException {
        try (FixtureServer server = new FixtureServer()) {
            serveTiny(server, "m");
            byte[] wrong = Fixtures.idxLabels(0, 1, 2, 3, 8);
            server.put("m", TRAIN_LABELS + ".gz", Fixtures.gzip(wrong));

            PnnException e = assertThrows(PnnException.class,
                    () -> loader.load(tiny(List.of(server.base("m"))), tmp, true));

            assertMessage(e, server.base("m") + TRAIN_LABELS + ".gz", Fixtures.sha256(wrong),
                    Fixtures.sha256(TRAIN_LABELS_BYTES), "every mirror", "missing " + TRAIN_LABELS);
            List<String> left = filesIn(tmp.resolve("tiny"));
            assertEquals(List.of(TRAIN_IMAGES + ".gz"), left, "only the good file before it; no rejected or temporary file");
        }
    }

    @Test
    void offlineErrorListsFilesFolderAndSources() {
        URI closed = FixtureServer.closedPort();
        Path dir = tmp.resolve("tiny");

        PnnException e = assertThrows(PnnException.class, () -> loader.load(tiny(List.of(closed)), tmp, true));

        assertMessage(e, "every mirror", closed + TRAIN_IMAGES + ".gz", dir.toString(), TRAIN_IMAGES, TRAIN_LABELS,
                TEST_IMAGES, TEST_LABELS, "pnn data import tiny", closed.toString());
    }

    @Test
    void fashionMnistOfflineErrorPointsToTheDebianPackage() {
        DatasetSpec fashion = DatasetCatalog.fashionMnist().withMirrors(List.of(FixtureServer.closedPort()));

        PnnException e = assertThrows(PnnException.class, () -> loader.load(fashion, tmp, true));

        assertMessage(e, "apt-get install dataset-fashion-mnist",
                "pnn data import fashion-mnist /usr/share/datasets/fashion-mnist", tmp.resolve("fashion-mnist").toString());
    }

    @Test
    void explicitDownloadReplacesADamagedFile() throws IOException {
        Path dir = tmp.resolve("tiny");
        writeTiny(dir);
        Fixtures.write(dir.resolve(TEST_IMAGES + ".gz"), Arrays.copyOf(Fixtures.gzip(TEST_IMAGES_BYTES), 30));
        try (FixtureServer server = new FixtureServer()) {
            serveTiny(server, "m");

            loader.download(tiny(List.of(server.base("m"))), tmp);

            assertEquals(List.of("/m/" + TEST_IMAGES + ".gz"), server.requests);
            assertTiny(loader.load(tiny(List.of()), tmp, false));
        }
    }

    // ---- importing

    @Test
    void importsFromAFolder() throws IOException {
        Path source = tmp.resolve("source");
        writeTiny(source);
        Path data = tmp.resolve("data");
        // a stale raw copy in the data folder must not shadow the imported .gz
        Fixtures.write(data.resolve("tiny").resolve(TEST_IMAGES), new byte[] {1, 2, 3});

        loader.importFrom(tiny(List.of()), source, data);

        assertEquals(List.of(TEST_IMAGES + ".gz", TEST_LABELS + ".gz", TRAIN_IMAGES, TRAIN_LABELS),
                filesIn(data.resolve("tiny")));
        assertTiny(loader.load(tiny(List.of()), data, false));
    }

    @Test
    void importNamesAMissingFile() {
        Path source = tmp.resolve("source");
        writeTiny(source);
        try {
            Files.delete(source.resolve(TRAIN_LABELS));
        } catch (IOException e) {
            throw new AssertionError(e);
        }

        PnnException e = assertThrows(PnnException.class,
                () -> loader.importFrom(tiny(List.of()), source, tmp.resolve("data")));

        assertMessage(e, source.toString(), "expected " + TRAIN_LABELS, "The folder holds: " + TEST_IMAGES + ".gz");
    }

    @Test
    void importNamesATruncatedFile() {
        Path source = tmp.resolve("source");
        writeTiny(source);
        Path cut = Fixtures.write(source.resolve(TRAIN_IMAGES), Arrays.copyOf(TRAIN_IMAGES_BYTES, 50));

        PnnException e = assertThrows(PnnException.class,
                () -> loader.importFrom(tiny(List.of()), source, tmp.resolve("data")));

        assertMessage(e, cut.toString(), "expected 96 bytes", "found 50 bytes");
        assertFalse(Files.exists(tmp.resolve("data").resolve("tiny").resolve(TRAIN_IMAGES)));
    }

    @Test
    void importOfMissingFolderSaysItDoesNotExist() {
        Path nowhere = tmp.resolve("nowhere");

        PnnException e = assertThrows(PnnException.class, () -> loader.importFrom("mnist", nowhere, tmp));

        assertMessage(e, nowhere.toString(), "does not exist");
    }

    @Test
    void bundledDatasetIsNeitherDownloadedNorImported() {
        assertThrows(PnnException.class, () -> loader.download("mnist-subset", tmp));
        assertThrows(PnnException.class, () -> loader.importFrom("mnist-subset", tmp, tmp));
    }
}
