package org.pnnlab.models.spectra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.capability.LinearConvolution;
import org.pnnlab.api.run.LayerSpectrum;
import org.pnnlab.layers.dl4j.Conv2d;
import org.pnnlab.layers.testing.GoldenCases;
import org.pnnlab.layers.testing.LayerStack;

/**
 * One test per {@code case-spectrum-*} folder: the FFT method gives every circular singular value of the reference's
 * explicit matrix, and power iteration on a {@code conv} layer's own forward map and adjoint gives the largest
 * zero-padded ones (padding k//2 on the case's input size).
 */
class SpectrumGoldenTest {
    private static final double TOL = 1e-9;

    @BeforeAll
    static void doubles() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @TestFactory
    Stream<DynamicTest> spectrumCases() {
        return SpectrumCases.tests("spectrum", SpectrumGoldenTest::runCase);
    }

    static void runCase(Path dir) {
        JsonNode c = GoldenCases.caseJson(dir);
        INDArray kernel = GoldenCases.npy(dir, "kernel.npy");
        int h = c.get("input_size").get(0).asInt();
        int w = c.get("input_size").get(1).asInt();
        int stride = c.get("stride").asInt();
        int padding = c.get("padding").asInt();
        INDArray circular = GoldenCases.npy(dir, "singular_values_circular.npy");
        double[] fft = CircularSpectrum.singularValues(kernel, h, w);
        assertEquals(circular.length(), fft.length, "number of circular singular values");
        double d = GoldenCases.maxAbsDiff(circular, Nd4j.createFromArray(fft));
        assertTrue(d <= TOL, "circular singular values: max |difference| " + d);

        int k = (int) kernel.size(2);
        LayerStack stack = new LayerStack(List.of(Conv2d.of("conv", kernel.size(1), kernel.size(0), k, stride, padding,
                false, -1)), InputType.convolutional(h, w, kernel.size(1)), 1);
        stack.layer(0).getParam(Conv2d.WEIGHT).assign(kernel);
        LinearConvolution layer = (LinearConvolution) stack.layer(0);
        INDArray zero = GoldenCases.npy(dir, "singular_values_zero_padded.npy");
        double[] top = PowerIteration.largest(new PowerIteration.LinearMap(new long[]{kernel.size(1), h, w},
                layer::applyLinear, y -> layer.applyAdjoint(y, h, w)), 3, 5000, 1e-13, 7, DataType.DOUBLE);
        for (int i = 0; i < 3; i++) {
            assertEquals(zero.getDouble(i), top[i], 1e-7 * zero.getDouble(0), "zero-padded singular value " + i);
        }
        // the recorder's entry: the layer's own map and its circular counterpart (no batch norm here)
        LayerSpectrum s = NetworkSpectra.layer("conv", layer, null, h, w);
        assertEquals(zero.getDouble(0), s.operator().get(0), 1e-3 * zero.getDouble(0));
        assertEquals(circular.getDouble(0), s.circular().get(0), 1e-9);
    }
}
