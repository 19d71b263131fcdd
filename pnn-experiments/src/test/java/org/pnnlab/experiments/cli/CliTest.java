package org.pnnlab.experiments.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input ends with exit code 2 and one clear message; no stack trace without --debug. */
class CliTest {
    record Result(int code, String out, String err) {
    }

    static Result cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int code = new PnnCli(new PrintStream(out, true, StandardCharsets.UTF_8)).execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
        }
    }

    static void assertUserError(Result r, String... fragments) {
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        for (String f : fragments) assertTrue(r.err().contains(f), "missing '" + f + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "stack trace without --debug: " + r.err());
    }

    @Test
    void unknownExperimentListsTheKnownOnes() {
        assertUserError(cli("run", "no-such-experiment"), "no-such-experiment", "mnist-lenet-conv", "mnist-lenet-perturb");
    }

    @Test
    void unknownLayerListsTheKnownOnes(@TempDir Path runs) {
        assertUserError(cli("run", "mnist-lenet-conv", "--layer", "no-such-layer", "--runs-dir", runs.toString()),
                "no-such-layer", "known layers", "conv", "perturbation");
    }

    @Test
    void negativeEpochs(@TempDir Path runs) {
        assertUserError(cli("run", "mnist-lenet-conv", "--epochs", "-1", "--runs-dir", runs.toString()), "--epochs", "-1");
    }

    @Test
    void badLayerParameter(@TempDir Path runs) {
        assertUserError(cli("run", "mnist-lenet-perturb", "--layer-opt", "nmasks=0", "--runs-dir", runs.toString()),
                "nmasks", "range");
        assertUserError(cli("run", "mnist-lenet-perturb", "--layer-opt", "nmask=2", "--runs-dir", runs.toString()),
                "nmask", "nmasks");
    }

    @Test
    void missingDataDir(@TempDir Path runs) {
        assertUserError(cli("run", "mnist-lenet-conv", "--data-dir", runs.resolve("nope").toString(), "--runs-dir",
                runs.toString()), "does not exist");
    }

    @Test
    void corruptIdxFileIsNamed(@TempDir Path tmp) throws IOException {
        Path mnist = Files.createDirectories(tmp.resolve("data/mnist"));
        // a valid header promising 60000 images of 28x28, then only a few bytes
        byte[] head = {0, 0, 8, 3, 0, 0, (byte) 0xEA, 0x60, 0, 0, 0, 28, 0, 0, 0, 28, 1, 2, 3};
        Files.write(mnist.resolve("train-images-idx3-ubyte"), head);
        // the other three files are present and well formed (one image / one label each)
        Files.write(mnist.resolve("train-labels-idx1-ubyte"), new byte[]{0, 0, 8, 1, 0, 0, 0, 1, 5});
        Files.write(mnist.resolve("t10k-labels-idx1-ubyte"), new byte[]{0, 0, 8, 1, 0, 0, 0, 1, 5});
        byte[] img = new byte[16 + 784];
        System.arraycopy(new byte[]{0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 28, 0, 0, 0, 28}, 0, img, 0, 16);
        Files.write(mnist.resolve("t10k-images-idx3-ubyte"), img);
        Result r = cli("run", "mnist-lenet-conv", "--data-dir", tmp.resolve("data").toString(), "--runs-dir",
                tmp.resolve("runs").toString(), "--no-download");
        assertUserError(r, "train-images-idx3-ubyte");
    }

    @Test
    void missingDataWithoutDownloadSaysWhereToPutFiles(@TempDir Path tmp) throws IOException {
        Files.createDirectories(tmp.resolve("data"));
        Result r = cli("run", "mnist-lenet-conv", "--data-dir", tmp.resolve("data").toString(), "--runs-dir",
                tmp.resolve("runs").toString(), "--no-download");
        assertUserError(r, "t10k-labels-idx1-ubyte", tmp.resolve("data").resolve("mnist").toString());
    }

    @Test
    void badFlagIsAUsageError() {
        Result r = cli("run", "mnist-lenet-conv", "--epochz", "3");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--epochz") && r.err().contains("unknown option"), r.err());
    }

    @Test
    void seedsRunsOncePerSeedAndSummarises(@TempDir Path runs) throws IOException {
        Result r = cli("run", "mnist-lenet-conv", "--dataset", "mnist-subset", "--train-limit", "128", "--epochs", "1",
                "--model-opt", "nfilters=4", "--seed", "5", "--seeds", "2", "--runs-dir", runs.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("over 2 seeds (5..6)"), r.out());
        try (var dirs = Files.list(runs.resolve("mnist-lenet-conv"))) {
            List<String> names = dirs.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(2, names.size(), names.toString());
            assertTrue(names.get(0).endsWith("-s5") || names.get(1).endsWith("-s5"), names.toString());
        }
        assertUserError(cli("run", "mnist-lenet-conv", "--seeds", "0", "--runs-dir", runs.toString()), "--seeds");
    }

    @Test
    void impossibleChannelCombinationNamesTheRule() {
        // a perturbation first slot on RGB input with fan-out 2: 64 outputs are not a multiple of 3 inputs
        assertUserError(cli("model", "perturb_resnet18", "--input", "3x32x32", "--first-layer", "perturbation",
                "--layer-opt", "nmasks=2"), "multiple", "64", "3");
        assertUserError(cli("model", "noiseresnet18", "--input", "3x32x32", "--layer", "noise-original",
                "--model-opt", "first_filter_size=0"), "first_filter_size");
        assertUserError(cli("model", "cifarnet", "--model-opt", "widht=3"), "widht", "nfilters");
    }

    @Test
    void corruptCifarBatchAndWrongChecksumAreNamed(@TempDir Path tmp) throws IOException {
        Path src = Files.createDirectories(tmp.resolve("cifar"));
        for (String f : new String[]{"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                "data_batch_5.bin", "test_batch.bin"}) {
            Files.write(src.resolve(f), new byte[3073 * 3 + 17]);
        }
        Path data = Files.createDirectories(tmp.resolve("data"));
        assertUserError(cli("data", "import", "cifar-10", src.toString(), "--data-dir", data.toString()), "data_batch_1.bin");
        // an MNIST training-image file with the right structure (60000 blank images) but not the official content
        Path mn = Files.createDirectories(tmp.resolve("mnist"));
        byte[] img = new byte[16 + 60000 * 784];
        System.arraycopy(new byte[]{0, 0, 8, 3, 0, 0, (byte) 0xEA, 0x60, 0, 0, 0, 28, 0, 0, 0, 28}, 0, img, 0, 16);
        Files.write(mn.resolve("train-images-idx3-ubyte"), img);
        Result r = cli("data", "import", "mnist", mn.toString(), "--data-dir", data.toString());
        assertUserError(r, "train-images-idx3-ubyte");
        assertTrue(r.err().contains("SHA-256") || r.err().contains("checksum"), r.err());
    }

    @Test
    void listShowsExperimentsLayersModelsAndDatasets() {
        Result r = cli("list");
        assertEquals(0, r.code(), r.err());
        for (String s : new String[]{"mnist-lenet-conv", "mnist-lenet-perturb", "conv", "perturbation", "nmasks", "lenet",
                "mnist-subset", "fmnist-study-conv", "fmnist-study-perturb", "fmnist-study-perturb-mix", "fmnist-study-1x1",
                "cifar10-pnn-row1-resnet18-nf44", "cifar10-pnn-row8-nmasks64-shared-trained", "Plugin jars: none"}) {
            assertTrue(r.out().contains(s), s + " missing from: " + r.out());
        }
    }

    @Test
    void modelPrintsTheLayerTableAndSpecCounts() {
        Result r = cli("model", "lenet", "--input", "1x28x28");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("141,578") && r.out().contains("16,464") && r.out().contains("640"), r.out());
        assertUserError(cli("model", "lenet", "--input", "28x28"), "CxHxW");
        assertUserError(cli("model", "vgg"), "unknown model", "lenet");
    }
}
