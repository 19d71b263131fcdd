package org.pnnlab.datasets;

import java.nio.file.Path;
import java.util.List;

/**
 * The datasets of {@link DatasetCatalog#standard()} with default timeouts. For another catalogue or other
 * mirrors, use a {@link DatasetLoader}.
 */
public final class Datasets {
    private Datasets() {
    }

    /**
     * Loads a dataset from {@code <dataDir>/<name>/}, downloading missing files first if {@code allowDownload}.
     * {@code mnist-subset} comes from inside the jar and is never downloaded.
     */
    public static Split load(String name, Path dataDir, boolean allowDownload) {
        return loader().load(name, dataDir, allowDownload);
    }

    /** Fetches the dataset's missing or damaged files into {@code <dataDir>/<name>/}. */
    public static void download(String name, Path dataDir) {
        loader().download(name, dataDir);
    }

    /** Copies and checks the dataset's files from a local folder (or archive) into {@code <dataDir>/<name>/}. */
    public static void importFrom(String name, Path sourceDir, Path dataDir) {
        loader().importFrom(name, sourceDir, dataDir);
    }

    /** The names of the standard datasets. */
    public static List<String> names() {
        return DatasetCatalog.standard().names();
    }

    private static DatasetLoader loader() {
        return new DatasetLoader(DatasetCatalog.standard());
    }
}
