package org.pnnlab.models.spectra;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.function.UnaryOperator;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.pnnlab.api.LayerContext;
import org.pnnlab.api.capability.LinearConvolution;
import org.pnnlab.api.run.LayerSpectrum;
import org.pnnlab.layers.ConvNormPlugin;
import org.pnnlab.layers.dl4j.Conv2d;
import org.pnnlab.layers.dl4j.ConvNorm;
import org.pnnlab.layers.testing.LayerStack;

/**
 * The spectrum methods against the singular values of explicit matrices (LAPACK's SVD of the map applied to every
 * basis vector): the FFT method on a random kernel as a stride-1 circular convolution, power iteration on zero-padded
 * and strided convolutions and on ConvNorm's whole operator, and the batch-norm folding.
 */
class SpectrumMethodsTest {
    @BeforeAll
    static void doubles() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    /** The matrix of {@code map} on inputs of {@code shape}: column j is map(e_j). */
    static INDArray explicitMatrix(UnaryOperator<INDArray> map, long... shape) {
        long d = 1;
        for (long s : shape) d *= s;
        long[] batched = new long[shape.length + 1];
        batched[0] = d;
        System.arraycopy(shape, 0, batched, 1, shape.length);
        INDArray out = map.apply(Nd4j.eye(d).reshape('c', batched));
        return out.reshape('c', d, out.length() / d).transpose().dup('c');
    }

    static double[] svd(INDArray m) {
        INDArray a = m.dup('f');
        INDArray s = Nd4j.create(DataType.DOUBLE, Math.min(a.rows(), a.columns()));
        Nd4j.getBlasWrapper().lapack().gesvd(a, s, null, null);
        return Nd4j.sort(s, false).toDoubleVector();
    }

    /** x wrapped around by p on both sides of both spatial axes. */
    static INDArray wrap(INDArray x, int p) {
        long h = x.size(2);
        long w = x.size(3);
        INDArray rows = Nd4j.concat(2, x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(h - p, h)), x,
                x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, p)));
        return Nd4j.concat(3, rows.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(w - p, w)),
                rows, rows.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, p)));
    }

    static LinearConvolution conv(INDArray kernel, int stride, int padding, long h, long w) {
        LayerStack stack = new LayerStack(List.of(Conv2d.of("conv", kernel.size(1), kernel.size(0), (int) kernel.size(2),
                stride, padding, false, -1)), InputType.convolutional(h, w, kernel.size(1)), 1);
        stack.layer(0).getParam(Conv2d.WEIGHT).assign(kernel);
        return (LinearConvolution) stack.layer(0);
    }

    static double[] power(LinearConvolution op, long h, long w) {
        return PowerIteration.largest(new PowerIteration.LinearMap(new long[]{op.geometry().inChannels(), h, w},
                op::applyLinear, y -> op.applyAdjoint(y, h, w)), 3, 5000, 1e-13, 3, DataType.DOUBLE);
    }

    @Test
    void fftMethodEqualsTheExplicitCircularMatrix() {
        INDArray kernel = Nd4j.randn(DataType.DOUBLE, 3, 2, 3, 3);
        int n = 6;
        int m = 5; // a non-square input
        LinearConvolution valid = conv(kernel, 1, 0, n + 2, m + 2);
        INDArray matrix = explicitMatrix(x -> valid.applyLinear(wrap(x, 1)), 2, n, m);
        double[] expected = svd(matrix);
        double[] fft = CircularSpectrum.singularValues(kernel, n, m);
        assertEquals(expected.length, fft.length);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], fft[i], 1e-10, "value " + i);
    }

    @Test
    void theLargestCircularValuesEqualTheTopOfAllOfThem() {
        // shapes with out < in, out > in, c = 1, a 1x1 kernel and a non-square input; a kernel with repeated values
        long[][] shapes = {{8, 4, 3, 3, 12, 12}, {4, 8, 3, 3, 9, 7}, {1, 6, 3, 3, 10, 10}, {6, 6, 1, 1, 5, 5},
                {16, 16, 3, 3, 14, 14}};
        for (long[] sh : shapes) {
            INDArray kernel = Nd4j.randn(DataType.DOUBLE, sh[0], sh[1], sh[2], sh[3]);
            double[] all = CircularSpectrum.singularValues(kernel, sh[4], sh[5]);
            for (int count : new int[]{1, 3, 5}) {
                double[] top = CircularSpectrum.largest(kernel, sh[4], sh[5], count);
                assertEquals(count, top.length);
                for (int i = 0; i < count; i++) {
                    assertEquals(all[i], top[i], 1e-10 * all[0], java.util.Arrays.toString(sh) + " value " + i);
                }
            }
        }
        INDArray identity = Nd4j.zeros(DataType.DOUBLE, 4, 4, 3, 3);
        for (int c = 0; c < 4; c++) identity.putScalar(new long[]{c, c, 1, 1}, 2.0); // every value is 2
        assertArrayEquals(new double[]{2, 2, 2}, CircularSpectrum.largest(identity, 6, 6, 3), 1e-12);
        assertArrayEquals(new double[]{0, 0, 0}, CircularSpectrum.largest(Nd4j.zeros(DataType.DOUBLE, 3, 2, 3, 3), 4, 4, 3), 0);
    }

    @Test
    void powerIterationEqualsTheExplicitZeroPaddedAndStridedMatrices() {
        INDArray kernel = Nd4j.randn(DataType.DOUBLE, 4, 3, 3, 3);
        for (int stride : new int[]{1, 2}) {
            LinearConvolution op = conv(kernel, stride, 1, 7, 7);
            double[] expected = svd(explicitMatrix(op::applyLinear, 3, 7, 7));
            double[] top = power(op, 7, 7);
            for (int i = 0; i < 3; i++) assertEquals(expected[i], top[i], 1e-8 * expected[0], "stride " + stride + " value " + i);
        }
    }

    @Test
    void convNormOperatorAndItsAdjointMatchTheExplicitMatrix() {
        for (int k : new int[]{3, 1}) {
            int stride = k == 1 ? 2 : 2;
            var block = new ConvNormPlugin().create(java.util.Map.of("kernel", k, "stride", stride, "padding", k / 2, "act", "identity"),
                    LayerContext.of("slot", 2, 3, 6, 6, 1));
            LayerStack stack = new LayerStack(block.layers(), InputType.convolutional(6, 6, 2), 1);
            stack.forward(Nd4j.randn(DataType.DOUBLE, 4, 2, 6, 6), true); // a running normaliser to apply
            LinearConvolution op = (LinearConvolution) stack.layer(0);
            INDArray a = explicitMatrix(op::applyLinear, 2, 6, 6);
            INDArray at = explicitMatrix(y -> op.applyAdjoint(y, 6, 6), 3, a.rows() / 3 / (long) Math.sqrt(a.rows() / 3),
                    (long) Math.sqrt(a.rows() / 3));
            assertEquals(0, a.transpose().sub(at).amaxNumber().doubleValue(), 1e-12, "the adjoint is the transpose, k " + k);
            // the operator is the layer's evaluation forward without biases: compare on x against the layer itself
            INDArray x = Nd4j.randn(DataType.DOUBLE, 2, 2, 6, 6);
            stack.layer(0).getParam(ConvNorm.AFFINE_BIAS).assign(0);
            stack.layer(0).setInput(x, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            INDArray layerOut = stack.layer(0).activate(false, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces());
            assertEquals(0, layerOut.sub(op.applyLinear(x)).amaxNumber().doubleValue(), 1e-12, "k " + k);
            double[] expected = svd(a);
            double[] top = power(op, 6, 6);
            for (int i = 0; i < 3; i++) assertEquals(expected[i], top[i], 1e-8 * expected[0], "k " + k + " value " + i);
        }
    }

    @Test
    void batchNormScaleIsFoldedIntoBothMethods() {
        INDArray kernel = Nd4j.randn(DataType.DOUBLE, 3, 2, 3, 3);
        INDArray scale = Nd4j.createFromArray(0.5, 2.0, 1.5);
        LinearConvolution op = conv(kernel, 1, 1, 5, 5);
        LayerSpectrum s = NetworkSpectra.layer("c", op, scale, 5, 5);
        INDArray scaled = kernel.mul(scale.reshape(3, 1, 1, 1));
        double[] zero = svd(explicitMatrix(conv(scaled, 1, 1, 5, 5)::applyLinear, 2, 5, 5));
        double[] circ = CircularSpectrum.singularValues(scaled, 5, 5);
        assertEquals(zero[0], s.folded().get(0), 1e-3 * zero[0]);
        assertEquals(circ[0], s.circularFolded().get(0), 1e-10);
        assertEquals(svd(explicitMatrix(op::applyLinear, 2, 5, 5))[0], s.operator().get(0), 1e-3 * zero[0]);
        assertEquals(s.folded().get(0), s.sigmaMax());
    }
}
