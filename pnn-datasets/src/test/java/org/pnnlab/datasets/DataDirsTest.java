package org.pnnlab.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pnnlab.api.PnnException;

class DataDirsTest {
    @TempDir
    Path tmp;

    @Test
    void commandLineFolderWins() {
        assertEquals(tmp.toAbsolutePath(), DataDirs.resolve(tmp, "/elsewhere", Path.of("/home/u")));
    }

    @Test
    void missingCommandLineFolderIsAnError() {
        Path missing = tmp.resolve("nope");

        PnnException e = assertThrows(PnnException.class, () -> DataDirs.resolve(missing, null, Path.of("/home/u")));

        assertTrue(e.getMessage().contains(missing.toString()) && e.getMessage().contains("does not exist")
                && e.getMessage().contains("--data-dir"), e.getMessage());
    }

    @Test
    void environmentVariableNext() {
        assertEquals(Path.of("/data/pnn"), DataDirs.resolve(null, "/data/pnn", Path.of("/home/u")));
    }

    @Test
    void homeFolderLast() {
        assertEquals(Path.of("/home/u/.pnn/data"), DataDirs.resolve(null, null, Path.of("/home/u")));
        assertEquals(Path.of("/home/u/.pnn/data"), DataDirs.resolve(null, "  ", Path.of("/home/u")));
    }

    @Test
    void datasetFolderIsNamedAfterTheDataset() {
        assertEquals(tmp.resolve("mnist"), DataDirs.datasetDir(tmp, "mnist"));
    }
}
