package org.pnnlab.experiments.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.layers.feedback.FeedbackNetworkLayer;
import org.pnnlab.layers.testing.GoldenCases;
import org.pnnlab.models.ModelFactory;
import org.pnnlab.models.cnnf.CnnfGoldenTest;

/**
 * The PGD results of the CNN-F whole-model golden cases: PGD-L-infinity (eps 0.2, step 0.071, 7 steps, clip
 * [-1, 1]) from the case's stored random start, through the first pass and end to end, must give exactly the
 * stored adversarial images.
 */
class CnnfPgdGoldenTest {
    @BeforeAll
    static void doubles() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @TestFactory
    Stream<DynamicTest> cnnfModelCases() {
        return GoldenCases.list("cnnf").stream()
                .filter(d -> GoldenCases.caseJson(d).path("layer").asText().equals("CNNF"))
                .map(d -> DynamicTest.dynamicTest(d.getFileName().toString(), () -> runCase(d)));
    }

    static void runCase(Path dir) {
        var k = GoldenCases.caseJson(dir).get("constructor");
        ComputationGraph net = CnnfGoldenTest.model(Map.of("ind", k.get("ind").asInt(), "cycles", k.get("cycles").asInt(),
                "res", k.get("res_param").asDouble()));
        CnnfGoldenTest.load(dir, GoldenCases.caseJson(dir), net);
        INDArray x = GoldenCases.npy(dir, "x.npy");
        INDArray labels = GoldenCases.npy(dir, "labels.npy");
        INDArray y = CrossEntropy.oneHot(labels, 10, DataType.DOUBLE);
        INDArray start = GoldenCases.npy(dir, "pgd_delta_init.npy");
        Pgd pgd = new Pgd(ThreatModel.pgd(0.2, 0.071, 7, -1, 1));
        FeedbackNetworkLayer l = (FeedbackNetworkLayer) net.getLayer(ModelFactory.LOGITS);
        l.setOutput(FeedbackNetworkLayer.Output.FIRST);
        INDArray first = pgd.perturbFrom(new GraphTarget(net), x, y, start);
        assertEquals(0.0, GoldenCases.maxAbsDiff(first, GoldenCases.npy(dir, "pgd_first_x_adv.npy")), 1e-12,
                "PGD through the first pass");
        l.setOutput(FeedbackNetworkLayer.Output.LAST);
        INDArray e2e = pgd.perturbFrom(new GraphTarget(net), x, y, start);
        assertEquals(0.0, GoldenCases.maxAbsDiff(e2e, GoldenCases.npy(dir, "pgd_e2e_x_adv.npy")), 1e-12,
                "PGD end to end");
        // the direct path (one forward and one backward of the layer's own graph) gives the same images
        l.setOutput(FeedbackNetworkLayer.Output.AVERAGE);
        INDArray firstDirect = pgd.perturbFrom(InferenceModeTarget.of(net, l, org.pnnlab.api.capability.InferenceModes.Mode.FIRST), x, y, start);
        assertEquals(0.0, GoldenCases.maxAbsDiff(firstDirect, GoldenCases.npy(dir, "pgd_first_x_adv.npy")), 1e-12,
                "PGD through the first pass, direct");
        INDArray e2eDirect = pgd.perturbFrom(InferenceModeTarget.of(net, l, org.pnnlab.api.capability.InferenceModes.Mode.LAST), x, y, start);
        assertEquals(0.0, GoldenCases.maxAbsDiff(e2eDirect, GoldenCases.npy(dir, "pgd_e2e_x_adv.npy")), 1e-12,
                "PGD end to end, direct");
        assertEquals(FeedbackNetworkLayer.Output.AVERAGE, l.getOutput(), "the target leaves the layer's mode alone");
    }
}
