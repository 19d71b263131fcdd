package org.pnnlab.datasets;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.run.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads, downloads and imports the datasets of a {@link DatasetCatalog}. Every file is checked when it is
 * read: its structure, and its SHA-256 (of the uncompressed content) where the catalogue has one. Files
 * live in {@code <dataDir>/<dataset name>/}, each raw or gzip-compressed as {@code <name>.gz}. Nothing is
 * cached between calls.
 */
public final class DatasetLoader {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(30);

    private static final Logger LOG = LoggerFactory.getLogger(DatasetLoader.class);
    private static final String GZ = ".gz";
    private static final String FROM_MIRROR = "the mirror serves a damaged or different file; it was not kept.";

    private final DatasetCatalog catalog;
    private final Duration connectTimeout;
    private final Duration requestTimeout;

    public DatasetLoader(DatasetCatalog catalog) {
        this(catalog, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * @param connectTimeout how long to wait for a mirror to accept the connection
     * @param requestTimeout how long a whole download may take
     */
    public DatasetLoader(DatasetCatalog catalog, Duration connectTimeout, Duration requestTimeout) {
        this.catalog = catalog;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
    }

    public DatasetCatalog catalog() {
        return catalog;
    }

    // ---------------------------------------------------------------- load

    /** Loads the named dataset; see {@link #load(DatasetSpec, Path, boolean)}. */
    public Split load(String name, Path dataDir, boolean allowDownload) {
        return load(catalog.get(name), dataDir, allowDownload);
    }

    /**
     * Loads a dataset from {@code <dataDir>/<name>/} (or from the classpath if it is bundled). Missing files are
     * downloaded first if {@code allowDownload}; otherwise, or if every mirror fails, the error says which files
     * to put where and where to get them.
     */
    public Split load(DatasetSpec spec, Path dataDir, boolean allowDownload) {
        if (spec.bundled()) {
            return read(spec, file -> readResource(spec, file));
        }
        Path dir = DataDirs.datasetDir(dataDir, spec.name());
        List<DataFile> missing = missingFiles(spec, dataDir);
        if (!missing.isEmpty()) {
            if (!allowDownload) {
                throw new PnnException(missingMessage(spec, dir, missing, null));
            }
            fetch(spec, dir, missing);
        }
        return read(spec, file -> {
            Path path = locate(dir, file);
            if (path == null) {
                throw new PnnException(missingMessage(spec, dir, List.of(file), null));
            }
            return new Stored(path.toString(), DataBytes.readStored(path));
        });
    }

    /** The dataset's files that are in neither raw nor {@code .gz} form in {@code <dataDir>/<name>/}. */
    public List<DataFile> missingFiles(DatasetSpec spec, Path dataDir) {
        if (spec.bundled()) {
            return List.of();
        }
        Path dir = DataDirs.datasetDir(dataDir, spec.name());
        List<DataFile> missing = new ArrayList<>();
        for (DataFile file : spec.allFiles()) {
            if (locate(dir, file) == null) {
                missing.add(file);
            }
        }
        return missing;
    }

    // ---------------------------------------------------------------- download

    /** Downloads the named dataset; see {@link #download(DatasetSpec, Path)}. */
    public void download(String name, Path dataDir) {
        download(catalog.get(name), dataDir);
    }

    /**
     * Fetches the files that are missing, or present but failing their check (those are replaced), into
     * {@code <dataDir>/<name>/}. Files that pass their check are kept.
     */
    public void download(DatasetSpec spec, Path dataDir) {
        if (spec.bundled()) {
            throw new PnnException("The dataset " + spec.name() + " ships inside the pnn-datasets jar; there is nothing to"
                    + " download.");
        }
        Path dir = DataDirs.datasetDir(dataDir, spec.name());
        List<DataFile> toFetch = new ArrayList<>();
        for (DataFile file : spec.allFiles()) {
            Path present = locate(dir, file);
            if (present == null) {
                toFetch.add(file);
                continue;
            }
            try {
                check(spec, file, present.toString(), DataBytes.decompressIfGzip(present.toString(),
                        DataBytes.readStored(present)));
                LOG.info("{} is present and checks out; keeping it", present);
            } catch (PnnException e) {
                LOG.warn("{} fails its check and will be fetched again: {}", present, e.getMessage());
                toFetch.add(file);
            }
        }
        if (!toFetch.isEmpty()) {
            fetch(spec, dir, toFetch);
        }
    }

    private void fetch(DatasetSpec spec, Path dir, List<DataFile> files) {
        createDirectories(dir);
        Downloader downloader = new Downloader(connectTimeout, requestTimeout);
        Archive archive = spec.archive();
        if (archive != null) {
            fetchArchive(spec, archive, dir, files, downloader);
            return;
        }
        for (int i = 0; i < files.size(); i++) {
            DataFile file = files.get(i);
            List<String> failures = new ArrayList<>();
            boolean done = false;
            for (URI mirror : spec.mirrors()) {
                URI url = mirror.resolve(file.path() + GZ);
                Path tmp = tempFile(dir, file.fileName());
                try {
                    downloader.fetch(url, tmp);
                    byte[] stored = DataBytes.readStored(tmp);
                    check(spec, file, url.toString(), DataBytes.decompressIfGzip(url.toString(), stored), FROM_MIRROR);
                    Path target = dir.resolve(file.path() + (DataBytes.isGzip(stored) ? GZ : ""));
                    moveIntoPlace(tmp, target);
                    deleteOtherForm(dir, file, target);
                    done = true;
                    break;
                } catch (IOException e) {
                    failures.add(url + ": " + Downloader.describe(e));
                } catch (PnnException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw e;
                    }
                    failures.add(e.getMessage());
                } finally {
                    deleteQuietly(tmp);
                }
            }
            if (!done) {
                failures.forEach(f -> LOG.warn("Download failed: {}", f));
                throw new PnnException(missingMessage(spec, dir, files.subList(i, files.size()), failures));
            }
        }
    }

    private void fetchArchive(DatasetSpec spec, Archive archive, Path dir, List<DataFile> files, Downloader downloader) {
        List<String> failures = new ArrayList<>();
        for (URI mirror : spec.mirrors()) {
            URI url = mirror.resolve(archive.fileName());
            Path tmp = tempFile(dir, archive.fileName());
            try {
                downloader.fetch(url, tmp);
                String md5 = DataBytes.md5(tmp);
                if (!md5.equals(archive.md5())) {
                    failures.add(url + ": MD5 of the download is " + md5 + ", expected " + archive.md5());
                    continue;
                }
                extractArchive(archive, tmp, url.toString(), spec, dir, files, FROM_MIRROR);
                return;
            } catch (IOException e) {
                failures.add(url + ": " + Downloader.describe(e));
            } catch (PnnException e) {
                if (Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                failures.add(e.getMessage());
            } finally {
                deleteQuietly(tmp);
            }
        }
        failures.forEach(f -> LOG.warn("Download failed: {}", f));
        throw new PnnException(missingMessage(spec, dir, files, failures));
    }

    /** Extracts {@code files} from the archive into a hidden staging folder, checks them, then moves them into place. */
    private void extractArchive(Archive expected, Path archive, String archiveName, DatasetSpec spec, Path dir,
                                List<DataFile> files, String fix) {
        Path staging;
        try {
            staging = Files.createTempDirectory(dir, ".extract-");
        } catch (IOException e) {
            throw new PnnException("Could not create a folder in " + dir + ": " + e + ". Check that it is writable.", e);
        }
        try {
            Set<String> wanted = new LinkedHashSet<>();
            files.forEach(f -> wanted.add(f.path()));
            Map<String, Path> extracted = TarGz.extract(archive, staging, wanted);
            for (DataFile file : files) {
                Path path = extracted.get(file.path());
                if (path == null) {
                    List<String> names = TarGz.list(archive);
                    throw new PnnException(archiveName + ": expected the archive to hold " + file.path() + ", but it holds "
                            + (names.size() > 12 ? names.subList(0, 12) + " and " + (names.size() - 12) + " more" : names)
                            + ". It is not the right archive: use " + expected.fileName() + ".");
                }
                check(spec, file, archiveName + "!" + file.path(), DataBytes.readContent(path), fix);
            }
            for (DataFile file : files) {
                Path target = dir.resolve(file.path());
                moveIntoPlace(extracted.get(file.path()), target);
                deleteOtherForm(dir, file, target);
                LOG.info("Extracted {}", target);
            }
        } finally {
            deleteTree(staging);
        }
    }

    // ---------------------------------------------------------------- import

    /** Imports the named dataset; see {@link #importFrom(DatasetSpec, Path, Path)}. */
    public void importFrom(String name, Path sourceDir, Path dataDir) {
        importFrom(catalog.get(name), sourceDir, dataDir);
    }

    /**
     * Copies the dataset's files from a local folder into {@code <dataDir>/<name>/}, checking each. The folder may
     * hold them raw or as {@code .gz}, directly or under their relative path; for a dataset that comes as an
     * archive, the archive itself (in the folder, or given instead of the folder) is accepted too.
     */
    public void importFrom(DatasetSpec spec, Path sourceDir, Path dataDir) {
        if (spec.bundled()) {
            throw new PnnException("The dataset " + spec.name() + " ships inside the pnn-datasets jar; there is nothing to"
                    + " import.");
        }
        if (!Files.exists(sourceDir)) {
            throw new PnnException("The folder " + sourceDir + " to import " + spec.name() + " from does not exist. Pass the"
                    + " folder that holds the files.");
        }
        Path dir = DataDirs.datasetDir(dataDir, spec.name());
        createDirectories(dir);
        Archive archive = spec.archive();
        if (Files.isRegularFile(sourceDir)) {
            if (archive == null) {
                throw new PnnException(sourceDir + " is a file; expected the folder that holds the files of " + spec.name()
                        + ": " + fileList(spec.allFiles()) + ".");
            }
            importArchive(spec, archive, sourceDir, dir, spec.allFiles());
            return;
        }
        List<DataFile> notFound = new ArrayList<>();
        for (DataFile file : spec.allFiles()) {
            Path found = findIn(sourceDir, file);
            if (found == null) {
                notFound.add(file);
                continue;
            }
            byte[] stored = DataBytes.readStored(found);
            check(spec, file, found.toString(), DataBytes.decompressIfGzip(found.toString(), stored));
            Path target = dir.resolve(file.path() + (DataBytes.isGzip(stored) ? GZ : ""));
            if (!samePath(found, target)) {
                writeAtomically(target, stored);
                deleteOtherForm(dir, file, target);
            }
            LOG.info("Imported {} to {}", found, target);
        }
        if (notFound.isEmpty()) {
            return;
        }
        if (archive != null && Files.isRegularFile(sourceDir.resolve(archive.fileName()))) {
            importArchive(spec, archive, sourceDir.resolve(archive.fileName()), dir, notFound);
            return;
        }
        throw new PnnException("Cannot import " + spec.name() + " from " + sourceDir + ": expected "
                + fileList(notFound) + " there (raw or .gz)"
                + (archive != null ? ", or the archive " + archive.fileName() : "")
                + ", but found none of " + (notFound.size() == 1 ? "it" : "these") + ". The folder holds: "
                + listing(sourceDir) + ". Pass the folder that holds the files of " + spec.title() + ".");
    }

    private void importArchive(DatasetSpec spec, Archive archive, Path archivePath, Path dir, List<DataFile> files) {
        String md5 = DataBytes.md5(archivePath);
        if (!md5.equals(archive.md5())) {
            throw new PnnException(archivePath + ": MD5 is " + md5 + ", expected " + archive.md5() + " for "
                    + archive.fileName() + ". The archive is damaged or a different version: delete it and fetch it again"
                    + (spec.mirrors().isEmpty() ? "." : " from " + spec.mirrors().get(0).resolve(archive.fileName()) + "."));
        }
        extractArchive(archive, archivePath, archivePath.toString(), spec, dir, files,
                "the archive is damaged or a different version; delete it and fetch it again.");
    }

    // ---------------------------------------------------------------- reading and checking

    /** A file's bytes as stored (possibly gzip-compressed) and where they came from. */
    private record Stored(String source, byte[] bytes) {
    }

    @FunctionalInterface
    private interface FileSource {
        Stored open(DataFile file);
    }

    private Split read(DatasetSpec spec, FileSource source) {
        LabeledImages train = readPart(spec, spec.name() + "/train", spec.trainFiles(), source);
        LabeledImages test = readPart(spec, spec.name() + "/test", spec.testFiles(), source);
        LOG.info("Loaded {}: {} train and {} test images of {}", spec.name(), train.count(), test.count(), train.shape());
        return new Split(train, test, spec.normalization());
    }

    private LabeledImages readPart(DatasetSpec spec, String partName, List<DataFile> files, FileSource source) {
        if (spec.format() == DatasetFormat.IDX) {
            Stored imagesFile = source.open(files.get(0));
            IdxReader.Images images = (IdxReader.Images) check(spec, files.get(0), imagesFile.source(),
                    DataBytes.decompressIfGzip(imagesFile.source(), imagesFile.bytes()));
            Stored labelsFile = source.open(files.get(1));
            int[] labels = (int[]) check(spec, files.get(1), labelsFile.source(),
                    DataBytes.decompressIfGzip(labelsFile.source(), labelsFile.bytes()));
            return IdxReader.combine(partName, imagesFile.source(), images, labelsFile.source(), labels,
                    spec.numClasses());
        }
        List<LabeledImages> parts = new ArrayList<>();
        for (DataFile file : files) {
            Stored stored = source.open(file);
            parts.add((LabeledImages) check(spec, file, stored.source(),
                    DataBytes.decompressIfGzip(stored.source(), stored.bytes())));
        }
        return parts.size() == 1 ? parts.get(0).withName(partName) : LabeledImages.concat(partName, parts);
    }

    /**
     * Parses the uncompressed {@code content} of {@code file} (which checks its structure and record count), then
     * checks its SHA-256 if the catalogue has one.
     *
     * @return {@link IdxReader.Images}, {@code int[]} labels or a CIFAR {@link LabeledImages}
     */
    private Object check(DatasetSpec spec, DataFile file, String source, byte[] content) {
        return check(spec, file, source, content, fixAdvice(spec));
    }

    /** {@link #check(DatasetSpec, DataFile, String, byte[])} ending a failure message with {@code fix}. */
    private Object check(DatasetSpec spec, DataFile file, String source, byte[] content, String fix) {
        Object parsed;
        int count;
        boolean images;
        switch (spec.format()) {
            case IDX -> {
                images = spec.trainFiles().get(0).equals(file) || spec.testFiles().get(0).equals(file);
                if (images) {
                    IdxReader.Images parsedImages = IdxReader.parseImages(source, content);
                    if (parsedImages.height() != spec.height() || parsedImages.width() != spec.width()) {
                        throw new PnnException(source + ": expected " + spec.height() + "x" + spec.width() + " images for "
                                + spec.name() + ", found " + parsedImages.height() + "x" + parsedImages.width()
                                + ". It is a file of another dataset: put the files of " + spec.title() + " there.");
                    }
                    parsed = parsedImages;
                    count = parsedImages.count();
                } else {
                    int[] labels = IdxReader.parseLabels(source, content, spec.numClasses());
                    parsed = labels;
                    count = labels.length;
                }
            }
            case CIFAR10_BINARY -> {
                LabeledImages batch = CifarReader.parse(spec.name(), source, content, file.records());
                parsed = batch;
                count = batch.count();
                images = true;
            }
            default -> throw new IllegalStateException("unknown format " + spec.format());
        }
        if (file.records() > 0 && count != file.records()) {
            throw new PnnException(source + ": expected " + file.records() + " " + (images ? "images" : "labels") + " in "
                    + spec.name() + "'s " + file.path() + ", found " + count + ". It is not the right file: " + fix);
        }
        String expected = file.sha256();
        if (expected != null) {
            String actual = DataBytes.sha256(content);
            if (!actual.equals(expected)) {
                throw new PnnException(source + ": the SHA-256 of its uncompressed content is " + actual + ", expected "
                        + expected + " (" + spec.name() + "'s " + file.path() + "). The file is corrupt or a different"
                        + " version: " + fix);
            }
        }
        return parsed;
    }

    private static String fixAdvice(DatasetSpec spec) {
        if (spec.bundled()) {
            return "the pnn-datasets jar is damaged; rebuild or download it again.";
        }
        return "delete it and fetch it again (`pnn data download " + spec.name() + "`, or `pnn data import " + spec.name()
                + " <folder>`).";
    }

    private static Stored readResource(DatasetSpec spec, DataFile file) {
        String base = spec.resourceDir() + "/" + file.path();
        ClassLoader loader = DatasetLoader.class.getClassLoader();
        for (String name : List.of(base, base + GZ)) {
            URL url = loader.getResource(name);
            if (url != null) {
                try (InputStream in = url.openStream()) {
                    return new Stored("classpath:" + name, in.readAllBytes());
                } catch (IOException e) {
                    throw new PnnException("Could not read the resource " + name + " of the bundled dataset " + spec.name()
                            + ": " + e + ". The pnn-datasets jar is damaged; rebuild or download it again.", e);
                }
            }
        }
        throw new PnnException("The classpath has no " + base + " (nor " + base + GZ + "), a file of the bundled dataset "
                + spec.name() + ". The pnn-datasets jar is incomplete; rebuild it (the files are made by"
                + " pnn-datasets/tools/make-mnist-subset.py).");
    }

    // ---------------------------------------------------------------- messages

    private static String missingMessage(DatasetSpec spec, Path dir, List<DataFile> missing,
                                         @Nullable List<String> failures) {
        StringBuilder m = new StringBuilder();
        m.append("The dataset ").append(spec.name()).append(" (").append(spec.title()).append(") is not complete in ")
                .append(dir).append(": missing ").append(fileList(missing)).append('.');
        if (failures == null) {
            m.append("\nDownload it with `pnn data download ").append(spec.name())
                    .append("` (or let the command download it), or set it up by hand:");
        } else {
            m.append("\nThe download failed on every mirror:");
            for (String failure : failures) {
                m.append("\n  ").append(failure);
            }
            m.append("\nSet it up by hand:");
        }
        Archive archive = spec.archive();
        if (archive != null) {
            m.append("\n  1. get ").append(archive.fileName()).append(" (MD5 ").append(archive.md5()).append(") from");
            for (URI mirror : spec.mirrors()) {
                m.append("\n       ").append(mirror.resolve(archive.fileName()));
            }
            m.append("\n  2. run `pnn data import ").append(spec.name()).append(" <folder holding ")
                    .append(archive.fileName()).append(">`, or unpack it so that these files exist:");
            for (DataFile file : missing) {
                m.append("\n       ").append(dir.resolve(file.path()));
            }
        } else {
            m.append("\n  put these files (raw, or gzip-compressed with .gz added to the name) in ").append(dir)
                    .append(":");
            for (DataFile file : missing) {
                m.append("\n       ").append(file.path());
            }
            if (!spec.mirrors().isEmpty()) {
                m.append("\n  from (tried in this order; each file is <name>.gz there):");
                for (URI mirror : spec.mirrors()) {
                    m.append("\n       ").append(mirror);
                }
            }
            m.append("\n  or copy them from a folder with `pnn data import ").append(spec.name()).append(" <folder>`.");
        }
        for (String hint : spec.manualHints()) {
            m.append("\n").append(hint);
        }
        return m.toString();
    }

    private static String fileList(List<DataFile> files) {
        List<String> names = new ArrayList<>();
        files.forEach(f -> names.add(f.path()));
        return String.join(", ", names);
    }

    private static String listing(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            List<String> names = entries.map(p -> p.getFileName().toString()).sorted().toList();
            if (names.isEmpty()) {
                return "nothing";
            }
            return names.size() > 20 ? String.join(", ", names.subList(0, 20)) + " and " + (names.size() - 20) + " more"
                    : String.join(", ", names);
        } catch (IOException e) {
            return "(could not list it: " + e.getMessage() + ")";
        }
    }

    // ---------------------------------------------------------------- files

    /** The file in raw form, else in .gz form, else null. */
    private static @Nullable Path locate(Path dir, DataFile file) {
        Path raw = dir.resolve(file.path());
        if (Files.isRegularFile(raw)) {
            return raw;
        }
        Path gz = dir.resolve(file.path() + GZ);
        return Files.isRegularFile(gz) ? gz : null;
    }

    /** In a folder being imported: under the relative path or directly, raw or .gz. */
    private static @Nullable Path findIn(Path sourceDir, DataFile file) {
        Path found = locate(sourceDir, file);
        if (found == null && !file.fileName().equals(file.path())) {
            found = locate(sourceDir, new DataFile(file.fileName(), null, 0));
        }
        return found;
    }

    /** After writing {@code written}, removes the other form (raw or .gz) so that a stale copy cannot shadow it. */
    private static void deleteOtherForm(Path dir, DataFile file, Path written) {
        Path raw = dir.resolve(file.path());
        Path other = written.equals(raw) ? dir.resolve(file.path() + GZ) : raw;
        try {
            if (Files.deleteIfExists(other)) {
                LOG.info("Removed {}, replaced by {}", other, written);
            }
        } catch (IOException e) {
            throw new PnnException("Could not delete " + other + ", which would shadow " + written + ": " + e
                    + ". Delete it by hand.", e);
        }
    }

    private static boolean samePath(Path a, Path b) {
        try {
            return Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static Path tempFile(Path dir, String fileName) {
        try {
            return Files.createTempFile(dir, "." + fileName + ".", ".part");
        } catch (IOException e) {
            throw new PnnException("Could not create a file in " + dir + ": " + e + ". Check that it is writable.", e);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new PnnException("Could not create the folder " + dir + ": " + e + ". Check the path and permissions.", e);
        }
    }

    private static void moveIntoPlace(Path from, Path target) {
        try {
            Files.createDirectories(target.getParent());
            try {
                Files.move(from, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(from, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new PnnException("Could not move " + from + " to " + target + ": " + e + ". Check that the folder is"
                    + " writable.", e);
        }
    }

    private static void writeAtomically(Path target, byte[] bytes) {
        try {
            AtomicFiles.write(target, out -> out.write(bytes));
        } catch (UncheckedIOException e) {
            throw new PnnException("Could not write " + target + ": " + e.getCause() + ". Check that the folder is"
                    + " writable.", e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not delete the temporary file {}: {}", file, e.toString());
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(DatasetLoader::deleteQuietly);
        } catch (IOException e) {
            LOG.warn("Could not delete the temporary folder {}: {}", root, e.toString());
        }
    }
}
