package org.pnnlab.datasets;

import org.pnnlab.api.data.Normalization;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.pnnlab.api.PnnException;

/** Named datasets. {@link #standard()} has {@code mnist}, {@code fashion-mnist}, {@code cifar-10} and {@code mnist-subset}. */
public final class DatasetCatalog {
    public static final String MNIST = "mnist";
    public static final String FASHION_MNIST = "fashion-mnist";
    public static final String CIFAR_10 = "cifar-10";
    public static final String MNIST_SUBSET = "mnist-subset";

    static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    private static final List<String> DIGITS = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    private final Map<String, DatasetSpec> specs;

    /** A catalogue of the given datasets (names must be distinct). */
    public DatasetCatalog(List<DatasetSpec> specs) {
        Map<String, DatasetSpec> byName = new LinkedHashMap<>();
        for (DatasetSpec spec : specs) {
            if (byName.put(spec.name(), spec) != null) {
                throw new IllegalArgumentException("two datasets named " + spec.name());
            }
        }
        this.specs = Collections.unmodifiableMap(byName);
    }

    /** The standard datasets. A new instance each call; nothing is cached. */
    public static DatasetCatalog standard() {
        return new DatasetCatalog(List.of(mnist(), fashionMnist(), cifar10(), mnistSubset()));
    }

    /** The dataset called {@code name} (case-insensitive); an unknown name is an error listing the known ones. */
    public DatasetSpec get(String name) {
        DatasetSpec spec = find(name);
        if (spec == null) {
            throw new PnnException("Unknown dataset '" + name + "'. Known datasets: " + String.join(", ", specs.keySet())
                    + ".");
        }
        return spec;
    }

    public @Nullable DatasetSpec find(String name) {
        return specs.get(name.trim().toLowerCase(Locale.ROOT));
    }

    public List<String> names() {
        return List.copyOf(specs.keySet());
    }

    public List<DatasetSpec> specs() {
        return List.copyOf(specs.values());
    }

    // ---- the standard datasets ----

    /** MNIST digits (LeCun, Cortes, Burges), 60000 train + 10000 test, 1x28x28. */
    public static DatasetSpec mnist() {
        return new DatasetSpec(MNIST, "MNIST handwritten digits (LeCun, Cortes, Burges)", DatasetFormat.IDX, 1, 28, 28,
                DIGITS,
                List.of(new DataFile(TRAIN_IMAGES, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", 60000),
                        new DataFile(TRAIN_LABELS, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", 60000)),
                List.of(new DataFile(TEST_IMAGES, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", 10000),
                        new DataFile(TEST_LABELS, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", 10000)),
                Normalization.of(0.1307, 0.3081),
                uris("https://ossci-datasets.s3.amazonaws.com/mnist/", "https://storage.googleapis.com/cvdf-datasets/mnist/",
                        "http://yann.lecun.com/exdb/mnist/"),
                null, null, List.of());
    }

    /**
     * Fashion-MNIST (Zalando Research), 60000 train + 10000 test, 1x28x28. Checksums of the official files
     * (as packaged in Debian's dataset-fashion-mnist); mean 0.2860 and std 0.3530 are the per-pixel mean and
     * standard deviation of the training images scaled to 0..1 (computed: 0.28604, 0.35302).
     */
    public static DatasetSpec fashionMnist() {
        return new DatasetSpec(FASHION_MNIST, "Fashion-MNIST (Zalando Research)", DatasetFormat.IDX, 1, 28, 28,
                List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                        "Ankle boot"),
                List.of(new DataFile(TRAIN_IMAGES, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888", 60000),
                        new DataFile(TRAIN_LABELS, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9", 60000)),
                List.of(new DataFile(TEST_IMAGES, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b", 10000),
                        new DataFile(TEST_LABELS, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34", 10000)),
                Normalization.of(0.2860, 0.3530),
                uris("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
                null, null,
                List.of("On Debian or Ubuntu the official files are packaged: run `apt-get install dataset-fashion-mnist`,"
                        + " then `pnn data import fashion-mnist /usr/share/datasets/fashion-mnist`."));
    }

    /**
     * CIFAR-10 (Krizhevsky, 2009), binary version: 5 train batches + 1 test batch of 10000 records, 3x32x32.
     * The batch files have no published checksums; their structure is checked, and the archive's MD5 after download.
     */
    public static DatasetSpec cifar10() {
        String dir = "cifar-10-batches-bin/";
        List<DataFile> train = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            train.add(new DataFile(dir + "data_batch_" + i + ".bin", null, CifarReader.RECORDS_PER_FILE));
        }
        return new DatasetSpec(CIFAR_10, "CIFAR-10 (Krizhevsky, 2009), binary version", DatasetFormat.CIFAR10_BINARY,
                3, 32, 32,
                List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
                train, List.of(new DataFile(dir + "test_batch.bin", null, CifarReader.RECORDS_PER_FILE)),
                new Normalization(new double[] {0.4914, 0.4822, 0.4465}, new double[] {0.2023, 0.1994, 0.2010}),
                uris("https://www.cs.toronto.edu/~kriz/"),
                new Archive("cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530"), null,
                List.of("Take the binary version (cifar-10-binary.tar.gz), not the Python or MATLAB one;"
                        + " `pnn data import cifar-10 <folder>` accepts the .tar.gz or the unpacked .bin files."));
    }

    /**
     * The first 6000 training and first 1000 test images of MNIST, shipped inside this jar
     * (see {@code org/pnnlab/datasets/mnist-subset/README.md}). Normalised with MNIST's mean and std.
     */
    public static DatasetSpec mnistSubset() {
        return new DatasetSpec(MNIST_SUBSET, "MNIST, first 6000 train and 1000 test images (bundled)", DatasetFormat.IDX,
                1, 28, 28, DIGITS,
                List.of(new DataFile(TRAIN_IMAGES, "2782ff6f3467f3487a520503c34fe99b761aa97623af029969e59716ac3585c3", 6000),
                        new DataFile(TRAIN_LABELS, "0d830540a6191e75a9f5cd63cd5b4bde38960b893784bbf456d560179296d7cd", 6000)),
                List.of(new DataFile(TEST_IMAGES, "de7c252b04f05e1f8309634180ccdf286dc6dbac8c579b74e76e02ae0331ca52", 1000),
                        new DataFile(TEST_LABELS, "832c0d20f0dc42e575488c75a83a970787d4c8d4d05831b2ef03701b4a478a90", 1000)),
                Normalization.of(0.1307, 0.3081), List.of(), null, "org/pnnlab/datasets/mnist-subset", List.of());
    }

    private static List<URI> uris(String... urls) {
        List<URI> list = new ArrayList<>();
        for (String url : urls) {
            list.add(URI.create(url));
        }
        return list;
    }
}
