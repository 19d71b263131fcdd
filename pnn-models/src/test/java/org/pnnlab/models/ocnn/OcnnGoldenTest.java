package org.pnnlab.models.ocnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.layers.testing.GoldenCases;

/** One test per {@code case-ocnn-*} folder: each distance's value and gradient against the reference's, to 1e-9. */
class OcnnGoldenTest {
    private static final double TOL = 1e-9;

    @BeforeAll
    static void doubles() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @TestFactory
    Stream<DynamicTest> ocnnCases() {
        List<Path> cases = GoldenCases.list("convnorm-methods").stream()
                .filter(p -> p.getFileName().toString().startsWith("case-ocnn-")).toList();
        if (cases.isEmpty() && System.getProperty("pnn.golden.dir") == null) {
            throw new AssertionError("no ocnn cases under " + GoldenCases.root().resolve("convnorm-methods"));
        }
        return cases.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> runCase(d)));
    }

    static void runCase(Path dir) {
        JsonNode c = GoldenCases.caseJson(dir);
        INDArray kernel = GoldenCases.npy(dir, "kernel.npy");
        String function = c.get("function").asText();
        OrthogonalityDistance.ValueAndGradient vg = switch (function) {
            case "orth_dist" -> OrthogonalityDistance.orth(kernel);
            case "deconv_orth_dist" -> {
                assertEquals(1, c.get("padding").asInt(), "the reference pads by 1");
                yield OrthogonalityDistance.deconv(kernel, c.get("stride").asInt());
            }
            default -> throw new AssertionError("unknown OCNN function " + function);
        };
        assertEquals(GoldenCases.npy(dir, "value.npy").getDouble(0), vg.value(), TOL, "value");
        double d = GoldenCases.maxAbsDiff(GoldenCases.npy(dir, "grad_kernel.npy"), vg.gradient());
        assertTrue(d <= TOL, "gradient: max |difference| " + d);
    }
}
