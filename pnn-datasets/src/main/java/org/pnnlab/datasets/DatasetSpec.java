package org.pnnlab.datasets;

import org.pnnlab.api.data.Normalization;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Everything needed to find, check, fetch and read one dataset. The standard ones are in
 * {@link DatasetCatalog#standard()}; tests and users can build their own, e.g. with
 * {@link #withMirrors} to fetch from somewhere else.
 *
 * @param name          folder name under the data folder, and the name users type, e.g. {@code mnist}
 * @param title         a human-readable name with its origin
 * @param format        how the files are read
 * @param channels      channels per image
 * @param height        image height in pixels
 * @param width         image width in pixels
 * @param classNames    one name per class, in label order
 * @param trainFiles    the training part's files (IDX: images then labels)
 * @param testFiles     the test part's files (IDX: images then labels)
 * @param normalization per-channel mean and std of the training set's pixels scaled to 0..1
 * @param mirrors       base URLs tried in order; each IDX file is fetched as {@code <mirror><path>.gz},
 *                      an archive as {@code <mirror><archive file name>}
 * @param archive       the archive the files come in, or null if they are fetched one by one
 * @param resourceDir   classpath folder holding the files, for a dataset shipped inside the jar (it is
 *                      then never downloaded or imported), or null
 * @param manualHints   extra lines for the message shown when the files are missing, e.g. a package that has them
 */
public record DatasetSpec(String name, String title, DatasetFormat format, int channels, int height, int width,
                          List<String> classNames, List<DataFile> trainFiles, List<DataFile> testFiles,
                          Normalization normalization, List<URI> mirrors, @Nullable Archive archive,
                          @Nullable String resourceDir, List<String> manualHints) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    public DatasetSpec {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("dataset name must be lower-case letters, digits, '.', '_' or '-': " + name);
        }
        if (channels < 1 || height < 1 || width < 1 || classNames.isEmpty()) {
            throw new IllegalArgumentException(name + ": need channels, height, width >= 1 and at least one class");
        }
        if (normalization.channels() != channels) {
            throw new IllegalArgumentException(name + ": " + channels + " channel(s) but a normalisation for "
                    + normalization.channels());
        }
        int perPart = format == DatasetFormat.IDX ? 2 : -1;
        if (trainFiles.isEmpty() || testFiles.isEmpty()
                || perPart > 0 && (trainFiles.size() != perPart || testFiles.size() != perPart)) {
            throw new IllegalArgumentException(name + ": " + format + " needs "
                    + (perPart > 0 ? "an images and a labels file" : "at least one file") + " for train and for test");
        }
        if (format == DatasetFormat.IDX && channels != 1) {
            throw new IllegalArgumentException(name + ": IDX images have one channel");
        }
        if (format == DatasetFormat.CIFAR10_BINARY && (channels != CifarReader.CHANNELS || height != CifarReader.SIZE
                || width != CifarReader.SIZE || classNames.size() != CifarReader.NUM_CLASSES)) {
            throw new IllegalArgumentException(name + ": the CIFAR-10 binary format has 3x32x32 images and 10 classes");
        }
        if (resourceDir != null && (!mirrors.isEmpty() || archive != null)) {
            throw new IllegalArgumentException(name + ": a dataset shipped as resources has no mirrors or archive");
        }
        classNames = List.copyOf(classNames);
        trainFiles = List.copyOf(trainFiles);
        testFiles = List.copyOf(testFiles);
        List<URI> bases = new ArrayList<>();
        for (URI mirror : mirrors) {
            String s = mirror.toString();
            bases.add(s.endsWith("/") ? mirror : URI.create(s + "/"));
        }
        mirrors = List.copyOf(bases);
        if (resourceDir != null) {
            resourceDir = resourceDir.replaceAll("^/+|/+$", "");
        }
        manualHints = List.copyOf(manualHints);
    }

    public int numClasses() {
        return classNames.size();
    }

    /** Train files, then test files. */
    public List<DataFile> allFiles() {
        List<DataFile> all = new ArrayList<>(trainFiles);
        all.addAll(testFiles);
        return all;
    }

    /** True if the dataset ships inside the jar. */
    public boolean bundled() {
        return resourceDir != null;
    }

    /** This spec fetching from other mirrors (tried in the given order). */
    public DatasetSpec withMirrors(List<URI> newMirrors) {
        return new DatasetSpec(name, title, format, channels, height, width, classNames, trainFiles, testFiles,
                normalization, newMirrors, archive, resourceDir, manualHints);
    }
}
