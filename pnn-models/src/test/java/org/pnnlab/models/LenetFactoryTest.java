package org.pnnlab.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.PnnException;
import org.pnnlab.layers.testing.GoldenCases;

class LenetFactoryTest {

    @Test
    void reproductionDefaultsOnMnistMatchTheSpecCounts() {
        ComputationGraph net = ModelTesting.build("lenet", 1, 28, "perturbation", "perturbation", Map.of(), Map.of(),
                Map.of(), DataType.FLOAT);
        ParamCounts c = ParamCounts.of(net);
        assertEquals(141_578, c.trainable());
        assertEquals(16_464, c.fixed());
        assertEquals(640, c.statistics());
        assertArrayEquals(new long[]{3, 10}, net.outputSingle(Nd4j.rand(DataType.FLOAT, 3, 1, 28, 28)).shape());
    }

    @Test
    void reproductionDefaultsOnCifarMatchTheSpecCounts() {
        ComputationGraph net = ModelTesting.build("lenet", 3, 32, "perturbation", "perturbation", Map.of(), Map.of(),
                Map.of(), DataType.FLOAT);
        ParamCounts c = ParamCounts.of(net);
        assertEquals(141_706, c.trainable());
        assertEquals(23_552, c.fixed());
        assertEquals(640, c.statistics());
        assertArrayEquals(new long[]{2, 10}, net.outputSingle(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32)).shape());
    }

    @Test
    void convolutionLenetHasTheFormulaCount() {
        // ordinary slot C->O with k=3: O*C*9 + 2*O (no bias)
        ComputationGraph net = ModelTesting.build("lenet", 1, 28, "conv", "conv", Map.of(), Map.of(), Map.of(), DataType.FLOAT);
        long slots = (64 * 9 + 128) + 2 * (64L * 64 * 9 + 128);
        long fc = 1024 * 128 + 128 + 256 + 128 * 10 + 10;
        assertEquals(slots + fc, ParamCounts.of(net).trainable());
        assertEquals(0, ParamCounts.of(net).fixed());
        String table = ModelSummary.of(net, org.deeplearning4j.nn.conf.inputs.InputType.convolutional(28, 28, 1)).render();
        assertTrue(table.contains("64x14x14") && table.contains("64x4x4"), table);
    }

    @Test
    void thePnnDesignMixesPluginsAcrossSlots() {
        ComputationGraph net = ModelTesting.build("lenet", 1, 28, "conv", "perturbation", Map.of(), Map.of("nmasks", 2),
                Map.of("nfilters", 8), DataType.FLOAT);
        assertTrue(net.getLayer("slot1_conv") != null && net.getLayer("slot2_perturb") != null);
        // masks 8*2*14*14 + 8*2*7*7
        assertEquals(8 * 2 * 14 * 14 + 8 * 2 * 49, ParamCounts.of(net).fixed());
    }

    @Test
    void badOptionsAreRejected() {
        PnnException e = assertThrows(PnnException.class, () -> ModelTesting.build("lenet", 1, 28, "conv", "conv",
                Map.of(), Map.of(), Map.of("nfilter", 3), DataType.FLOAT));
        assertTrue(e.getMessage().contains("nfilters"), e.getMessage());
        e = assertThrows(PnnException.class, () -> ModelTesting.build("lenet", 1, 28, "conv", "no-such-layer",
                Map.of(), Map.of(), Map.of(), DataType.FLOAT));
        assertTrue(e.getMessage().contains("known layers"), e.getMessage());
        e = assertThrows(PnnException.class, () -> ModelRegistry.load().get("vgg"));
        assertTrue(e.getMessage().contains("lenet"), e.getMessage());
    }

    /** The whole-model golden cases (every reference factory; see {@link ReferenceModelCase}). */
    @TestFactory
    Stream<DynamicTest> modelGoldenCases() {
        List<Path> cases = GoldenCases.list("perturbation").stream()
                .filter(d -> d.getFileName().toString().startsWith("case-model-")).toList();
        if (cases.isEmpty() && System.getProperty("pnn.golden.dir") == null) {
            throw new AssertionError("no whole-model golden cases under " + GoldenCases.root().resolve("perturbation"));
        }
        return cases.stream().map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> ReferenceModelCase.run(d)));
    }
}
