package org.pnnlab.models.cnnf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.PnnException;
import org.pnnlab.layers.feedback.FeedbackNetworkLayer;
import org.pnnlab.models.ModelFactory;

class CnnfModelTest {
    @Test
    void parameterCountAndOutputShapeMatchTheSpec() {
        ComputationGraph net = CnnfGoldenTest.model(Map.of());
        // spec CNNF 2.3: 3 298 962 distinct trainable values (conv 32 400 + FC 3 265 280 + biases 1 282)
        assertEquals(3_298_962L, net.numParams());
        INDArray y = net.outputSingle(false, Nd4j.rand(DataType.DOUBLE, 3, 1, 28, 28).muli(2).subi(1));
        assertArrayEquals(new long[]{3, 10}, y.shape());
        // the plain CNN (cycles 0, ind 0, res 0) has the same parameters
        assertEquals(3_298_962L, CnnfGoldenTest.model(Map.of("cycles", 0, "ind", 0, "res", 0.0)).numParams());
    }

    @Test
    void wrnParameterCountMatchesTheSpec() {
        var spec = org.pnnlab.models.ModelSpec.of("cnnf_wrn", 3, 32, 32, "conv", "conv");
        var base = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().dataType(DataType.FLOAT);
        ComputationGraph net = new ComputationGraph(new CnnfWrnFactory().build(spec, org.pnnlab.api.LayerRegistry.load(), base));
        net.init();
        // spec CNNF 3.3: 2 240 842 distinct trainable values
        assertEquals(2_240_842L, net.numParams());
        INDArray y = net.outputSingle(false, Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32));
        assertArrayEquals(new long[]{2, 10}, y.shape());
    }

    @Test
    void savedAndRestoredWithItsConfiguration(@TempDir File dir) throws Exception {
        ComputationGraph net = CnnfGoldenTest.model(Map.of("cycles", 2));
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 1, 28, 28);
        INDArray before = net.outputSingle(false, x);
        File f = new File(dir, "cnnf.zip");
        ModelSerializer.writeModel(net, f, true);
        ComputationGraph back = ModelSerializer.restoreComputationGraph(f, true);
        assertEquals(net.getConfiguration().toJson(), back.getConfiguration().toJson());
        assertEquals(before, back.outputSingle(false, x));
        // outputs are switchable at run time, the parameters stay
        FeedbackNetworkLayer l = (FeedbackNetworkLayer) back.getLayer(ModelFactory.LOGITS);
        l.setOutput(FeedbackNetworkLayer.Output.FIRST);
        INDArray first = back.outputSingle(false, x);
        l.setOutput(FeedbackNetworkLayer.Output.LAST);
        assertTrue(!first.equals(back.outputSingle(false, x)), "the last cycle differs from the first pass");
    }

    @Test
    void badOptionsAreRejected() {
        PnnException e = assertThrows(PnnException.class, () -> CnnfGoldenTest.model(Map.of("ind", 3)));
        assertTrue(e.getMessage().contains("ind"), e.getMessage());
    }
}
