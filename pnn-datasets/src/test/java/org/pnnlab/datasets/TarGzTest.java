package org.pnnlab.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.PnnException;

class TarGzTest {
    @TempDir
    Path tmp;

    private static final String LONG_DIR = "a-folder-name-long-enough-that-the-path-does-not-fit-into-one-hundred-bytes/"
            + "and-a-second-level/";

    private static Map<String, byte[]> entries() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("cifar-10-batches-bin/", new byte[0]);
        entries.put("cifar-10-batches-bin/batches.meta.txt", "airplane\nautomobile\n".getBytes());
        entries.put("cifar-10-batches-bin/data_batch_1.bin", Fixtures.cifar(1, 2, 3));
        entries.put("cifar-10-batches-bin/empty.bin", new byte[0]);
        entries.put("cifar-10-batches-bin/exactly-512.bin", new byte[512]);
        entries.put(LONG_DIR + "file.txt", "deep".getBytes());
        return entries;
    }

    @Test
    void listsAndExtractsSelectedEntries() throws IOException {
        Path archive = Fixtures.write(tmp.resolve("a.tar.gz"), Fixtures.gzip(Fixtures.tar(entries())));
        Path out = tmp.resolve("out");

        assertEquals(List.of("cifar-10-batches-bin/batches.meta.txt", "cifar-10-batches-bin/data_batch_1.bin",
                "cifar-10-batches-bin/empty.bin", "cifar-10-batches-bin/exactly-512.bin", LONG_DIR + "file.txt"),
                TarGz.list(archive));

        Map<String, Path> got = TarGz.extract(archive, out, Set.of("cifar-10-batches-bin/data_batch_1.bin",
                "cifar-10-batches-bin/exactly-512.bin", LONG_DIR + "file.txt", "not/in/archive"));

        assertEquals(3, got.size());
        assertArrayEquals(Fixtures.cifar(1, 2, 3), Files.readAllBytes(out.resolve("cifar-10-batches-bin/data_batch_1.bin")));
        assertEquals(512, Files.size(out.resolve("cifar-10-batches-bin/exactly-512.bin")));
        assertEquals("deep", Files.readString(out.resolve(LONG_DIR + "file.txt")));
        assertFalse(Files.exists(out.resolve("cifar-10-batches-bin/batches.meta.txt")), "not selected");
    }

    @Test
    void plainTarIsReadToo() {
        Path archive = Fixtures.write(tmp.resolve("a.tar"), Fixtures.tar(entries()));

        assertEquals(5, TarGz.list(archive).size());
    }

    @Test
    void truncatedArchiveIsAnError() {
        byte[] tar = Fixtures.tar(entries());
        // cut inside the data of data_batch_1.bin, keep the gzip stream itself complete
        Path archive = Fixtures.write(tmp.resolve("cut.tar.gz"), Fixtures.gzip(Arrays.copyOf(tar, 3000)));

        PnnException e = assertThrows(PnnException.class, () -> TarGz.list(archive));

        assertTrue(e.getMessage().contains(archive.toString()) && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void corruptHeaderIsAnError() {
        byte[] tar = Fixtures.tar(entries());
        tar[5] ^= 0x20; // change a character of the first name without fixing the checksum
        Path archive = Fixtures.write(tmp.resolve("bad.tar.gz"), Fixtures.gzip(tar));

        PnnException e = assertThrows(PnnException.class, () -> TarGz.list(archive));

        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void notGzipNorTarIsAnError() {
        Path archive = Fixtures.write(tmp.resolve("page.tar.gz"), "<html>not found</html>".getBytes());

        assertThrows(PnnException.class, () -> TarGz.list(archive));
    }

    @Test
    void entryEscapingTheTargetIsRefused() {
        Map<String, byte[]> evil = new LinkedHashMap<>();
        evil.put("../escape.txt", "x".getBytes());
        Path archive = Fixtures.write(tmp.resolve("evil.tar.gz"), Fixtures.gzip(Fixtures.tar(evil)));

        assertThrows(PnnException.class, () -> TarGz.extract(archive, tmp.resolve("out"), Set.of("../escape.txt")));
        assertFalse(Files.exists(tmp.resolve("escape.txt")));
    }

    @Test
    void absoluteEntryNameIsRefused() {
        Path outside = tmp.resolve("outside.txt").toAbsolutePath();
        Map<String, byte[]> evil = new LinkedHashMap<>();
        evil.put(outside.toString(), "x".getBytes());
        Path archive = Fixtures.write(tmp.resolve("abs.tar.gz"), Fixtures.gzip(Fixtures.tar(evil)));

        PnnException e = assertThrows(PnnException.class, () -> TarGz.extract(archive, tmp.resolve("out"),
                Set.of(outside.toString())));

        assertTrue(e.getMessage().contains("outside"), e.getMessage());
        assertFalse(Files.exists(outside));
    }

    @Test
    void wantedLinkPointingOutsideIsRefusedAndLinksAreNeverCreated() throws IOException {
        Path archive = tmp.resolve("links.tar");
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(archive))) {
            TarArchiveEntry inner = new TarArchiveEntry("d/inner", TarConstants.LF_SYMLINK);
            inner.setLinkName("data.bin");
            out.putArchiveEntry(inner);
            out.closeArchiveEntry();
            TarArchiveEntry evil = new TarArchiveEntry("d/evil", TarConstants.LF_SYMLINK);
            evil.setLinkName("../../etc/passwd");
            out.putArchiveEntry(evil);
            out.closeArchiveEntry();
            TarArchiveEntry hard = new TarArchiveEntry("d/hard", TarConstants.LF_LINK);
            hard.setLinkName("/etc/passwd");
            out.putArchiveEntry(hard);
            out.closeArchiveEntry();
            TarArchiveEntry data = new TarArchiveEntry("d/data.bin");
            data.setSize(2);
            out.putArchiveEntry(data);
            out.write(new byte[] {7, 8});
            out.closeArchiveEntry();
        }
        Path out = tmp.resolve("out");

        assertEquals(List.of("d/data.bin"), TarGz.list(archive), "links are not regular files");
        Map<String, Path> got = TarGz.extract(archive, out, Set.of("d/inner", "d/data.bin"));
        assertEquals(Set.of("d/data.bin"), got.keySet(), "a link inside the folder is skipped, not created");
        assertFalse(Files.exists(out.resolve("d/inner"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        for (String link : List.of("d/evil", "d/hard")) {
            PnnException e = assertThrows(PnnException.class, () -> TarGz.extract(archive, out, Set.of(link)));
            assertTrue(e.getMessage().contains(link) && e.getMessage().contains("link that points outside"),
                    e.getMessage());
        }
        // not wanted: not looked at
        assertEquals(1, TarGz.extract(archive, out, Set.of("d/data.bin")).size());
    }

    @Test
    void folderOfTheTargetThatLinksElsewhereIsRefused() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(out.resolve("cifar-10-batches-bin"), elsewhere);
        Path archive = Fixtures.write(tmp.resolve("a.tar.gz"), Fixtures.gzip(Fixtures.tar(entries())));

        PnnException e = assertThrows(PnnException.class, () -> TarGz.extract(archive, out,
                Set.of("cifar-10-batches-bin/data_batch_1.bin")));

        assertTrue(e.getMessage().contains("outside"), e.getMessage());
        assertFalse(Files.exists(elsewhere.resolve("data_batch_1.bin")));
    }

    @Test
    void linkInTheFilesPlaceIsReplacedNotWrittenThrough() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("out/cifar-10-batches-bin"));
        Path victim = Fixtures.write(tmp.resolve("victim.bin"), new byte[] {9});
        Files.createSymbolicLink(out.resolve("data_batch_1.bin"), victim);
        Path archive = Fixtures.write(tmp.resolve("a.tar.gz"), Fixtures.gzip(Fixtures.tar(entries())));

        Map<String, Path> got = TarGz.extract(archive, tmp.resolve("out"), Set.of("cifar-10-batches-bin/data_batch_1.bin"));

        Path file = got.get("cifar-10-batches-bin/data_batch_1.bin");
        assertFalse(Files.isSymbolicLink(file));
        assertArrayEquals(Fixtures.cifar(1, 2, 3), Files.readAllBytes(file));
        assertArrayEquals(new byte[] {9}, Files.readAllBytes(victim));
    }

    @Test
    void corruptLaterHeaderIsAnError() {
        byte[] tar = Fixtures.tar(entries());
        tar[512 + 5] ^= 0x20; // the second header (the first entry is a folder, no data blocks)
        Path archive = Fixtures.write(tmp.resolve("bad2.tar.gz"), Fixtures.gzip(tar));

        PnnException e = assertThrows(PnnException.class, () -> TarGz.list(archive));

        assertTrue(e.getMessage().contains(archive.toString()) && e.getMessage().contains("header 2")
                && e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void archiveCutAtAHeaderIsTruncated() {
        byte[] tar = Fixtures.tar(entries());
        Path archive = Fixtures.write(tmp.resolve("cut2.tar.gz"), Fixtures.gzip(Arrays.copyOf(tar, 512 + 100)));

        PnnException e = assertThrows(PnnException.class, () -> TarGz.list(archive));

        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void shortFileIsNotATar() {
        Path archive = Fixtures.write(tmp.resolve("short.tar"), "<html>not found</html>".getBytes());

        PnnException e = assertThrows(PnnException.class, () -> TarGz.list(archive));

        assertTrue(e.getMessage().contains("22 bytes") && e.getMessage().contains("not a tar"), e.getMessage());
    }

    @Test
    void archiveWithoutEndMarkerIsAccepted() {
        byte[] tar = Fixtures.tar(entries());
        int end = tar.length;
        while (end >= 512 && isZero(Arrays.copyOfRange(tar, end - 512, end))) {
            end -= 512;
        }
        Path archive = Fixtures.write(tmp.resolve("noend.tar"), Arrays.copyOf(tar, end));

        assertEquals(5, TarGz.list(archive).size());
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    /** An archive made by the system's tar (GNU or bsdtar), with a name that needs a long-name extension. */
    @Test
    void readsArchiveMadeBySystemTar() throws Exception {
        Path tarTool = Path.of("/usr/bin/tar");
        assumeTrue(Files.isExecutable(tarTool), "no /usr/bin/tar");
        Path src = tmp.resolve("src");
        String longName = "x".repeat(120) + ".bin"; // a single component of 124 bytes: no ustar prefix split possible
        Fixtures.write(src.resolve("cifar-10-batches-bin/data_batch_1.bin"), Fixtures.cifar(5, 6));
        Fixtures.write(src.resolve("cifar-10-batches-bin/" + longName), new byte[] {1, 2, 3});
        Path archive = tmp.resolve("sys.tar.gz");
        Process p = new ProcessBuilder(tarTool.toString(), "czf", archive.toString(), "-C", src.toString(),
                "cifar-10-batches-bin").redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, new String(p.getInputStream().readAllBytes()));

        Map<String, Path> got = TarGz.extract(archive, tmp.resolve("out"),
                Set.of("cifar-10-batches-bin/data_batch_1.bin", "cifar-10-batches-bin/" + longName));

        assertEquals(2, got.size());
        assertArrayEquals(Fixtures.cifar(5, 6), Files.readAllBytes(got.get("cifar-10-batches-bin/data_batch_1.bin")));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(got.get("cifar-10-batches-bin/" + longName)));
    }
}
