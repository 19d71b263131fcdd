package org.pnnlab.datasets;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.PnnException;

/** Where datasets are kept: {@code <dataDir>/<dataset name>/}. */
public final class DataDirs {
    /** Environment variable naming the data folder. */
    public static final String ENV_VAR = "PNN_DATA";

    private DataDirs() {
    }

    /**
     * The data folder: {@code cliDir} (from {@code --data-dir}) if given, which must exist; else the
     * {@code PNN_DATA} environment variable; else {@code ~/.pnn/data}. The last two need not exist yet.
     */
    public static Path resolve(@Nullable Path cliDir) {
        return resolve(cliDir, System.getenv(ENV_VAR), Path.of(System.getProperty("user.home")));
    }

    static Path resolve(@Nullable Path cliDir, @Nullable String envValue, Path userHome) {
        if (cliDir != null) {
            Path dir = cliDir.toAbsolutePath().normalize();
            if (!Files.exists(dir)) {
                throw new PnnException("The data folder " + dir + " given with --data-dir does not exist. Create it"
                        + " (mkdir -p " + dir + ") or pass an existing folder.");
            }
            if (!Files.isDirectory(dir)) {
                throw new PnnException("The data folder " + dir + " given with --data-dir is a file, not a folder. Pass a"
                        + " folder.");
            }
            return dir;
        }
        if (envValue != null && !envValue.isBlank()) {
            Path dir;
            try {
                dir = Path.of(envValue.trim()).toAbsolutePath().normalize();
            } catch (InvalidPathException e) {
                throw new PnnException("The " + ENV_VAR + " environment variable is not a valid path: '" + envValue
                        + "'. Set it to a folder, or unset it to use ~/.pnn/data.", e);
            }
            if (Files.exists(dir) && !Files.isDirectory(dir)) {
                throw new PnnException("The " + ENV_VAR + " environment variable names " + dir + ", which is a file, not a"
                        + " folder. Set it to a folder, or unset it to use ~/.pnn/data.");
            }
            return dir;
        }
        return userHome.resolve(".pnn").resolve("data").toAbsolutePath().normalize();
    }

    /** {@code <dataDir>/<datasetName>}. */
    public static Path datasetDir(Path dataDir, String datasetName) {
        return dataDir.resolve(datasetName);
    }
}
