package org.pnnlab.layers.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Finds golden reference cases. The root is the system property {@code pnn.golden.dir} when set (a folder
 * laid out like the shared golden folder: one subfolder per family), else the copy carried in this
 * module's test resources (passed by the build as {@code pnn.golden.default}).
 */
public final class GoldenCases {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GoldenCases() {
    }

    public static Path root() {
        String p = System.getProperty("pnn.golden.dir");
        if (p != null && !p.isBlank()) return Paths.get(p);
        String d = System.getProperty("pnn.golden.default");
        if (d != null && !d.isBlank()) return Paths.get(d);
        return Paths.get("src/test/resources/golden");
    }

    /** Case folders ({@code case-*}) of one family, sorted; empty if the family folder is absent. */
    public static List<Path> list(String family) {
        Path dir = root().resolve(family);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).filter(p -> p.getFileName().toString().startsWith("case-"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One dynamic test per case folder of a family, named after the folder. An empty family fails, unless the
     * root was replaced with {@code pnn.golden.dir} (a folder that may hold other families only).
     */
    public static Stream<org.junit.jupiter.api.DynamicTest> tests(String family,
                                                                 org.junit.jupiter.api.function.ThrowingConsumer<Path> runCase) {
        List<Path> cases = list(family);
        if (cases.isEmpty() && System.getProperty("pnn.golden.dir") == null) {
            throw new AssertionError("no golden cases found under " + root().resolve(family));
        }
        return cases.stream().map(dir -> org.junit.jupiter.api.DynamicTest.dynamicTest(dir.getFileName().toString(),
                () -> runCase.accept(dir)));
    }

    /**
     * As {@link #tests(String, org.junit.jupiter.api.function.ThrowingConsumer)} for the case folders of a family
     * whose names start with {@code case-<kind>-} (a family that holds several kinds of case).
     */
    public static Stream<org.junit.jupiter.api.DynamicTest> tests(String family, String kind,
                                                                 org.junit.jupiter.api.function.ThrowingConsumer<Path> runCase) {
        String prefix = "case-" + kind + "-";
        List<Path> cases = list(family).stream().filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
        if (cases.isEmpty() && System.getProperty("pnn.golden.dir") == null) {
            throw new AssertionError("no golden cases " + prefix + "* found under " + root().resolve(family));
        }
        return cases.stream().map(dir -> org.junit.jupiter.api.DynamicTest.dynamicTest(dir.getFileName().toString(),
                () -> runCase.accept(dir)));
    }

    public static JsonNode caseJson(Path dir) {
        try {
            return JSON.readTree(dir.resolve("case.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir.resolve("case.json"), e);
        }
    }

    public static INDArray npy(Path dir, String file) {
        Path f = dir.resolve(file);
        if (!Files.isRegularFile(f)) throw new IllegalStateException("golden file missing: " + f);
        return Nd4j.createFromNpyFile(f.toFile());
    }

    /** Max |a - b| after checking the element counts agree. */
    public static double maxAbsDiff(INDArray a, INDArray b) {
        if (a.length() != b.length()) {
            throw new AssertionError("size mismatch: " + java.util.Arrays.toString(a.shape()) + " vs "
                    + java.util.Arrays.toString(b.shape()));
        }
        return a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).reshape(a.length())
                .sub(b.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).reshape(b.length()))
                .amaxNumber().doubleValue();
    }
}
