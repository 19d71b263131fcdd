package org.pnnlab.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.LayerBlock;
import org.pnnlab.api.LayerContext;
import org.pnnlab.layers.dl4j.BatchNorm;
import org.pnnlab.layers.dl4j.ConvNorm;
import org.pnnlab.layers.dl4j.ConvNormLayer;
import org.pnnlab.layers.dl4j.SpectralFilter;
import org.pnnlab.layers.testing.GoldenCases;
import org.pnnlab.layers.testing.LayerStack;

/**
 * One test per folder of the ConvNorm golden cases: the layer is built through the plugin from the case's
 * constructor arguments and loaded with the reference tensors; its output, every intermediate (full
 * convolution, normaliser, its spatial kernel, the filtered grid, the cropped maps, the affine output), the
 * input gradient, every parameter gradient and, in training mode, the buffers after the update must agree
 * to 1e-9.
 */
class ConvNormGoldenTest {
    static final double TOL = 1e-9;

    @BeforeAll
    static void doubles() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @TestFactory
    Stream<DynamicTest> convnormCases() {
        return GoldenCases.tests("convnorm", ConvNormGoldenTest::runCase);
    }

    private static void close(String what, INDArray expected, INDArray actual) {
        assertEquals(expected.length(), actual.length(), what + ": size");
        double d = GoldenCases.maxAbsDiff(expected, actual);
        assertTrue(d <= TOL, what + ": max |difference| " + d + " > " + TOL);
    }

    static void runCase(Path dir) {
        JsonNode c = GoldenCases.caseJson(dir);
        JsonNode k = c.get("constructor");
        boolean train = c.get("mode").asText().equals("train");
        boolean affine = k.get("affine").asBoolean();
        boolean bn = k.get("bn").asBoolean();
        INDArray x = GoldenCases.npy(dir, "input.npy");
        Map<String, Object> raw = new HashMap<>();
        raw.put("kernel", k.get("kernel_size").asInt());
        raw.put("stride", k.get("stride").asInt());
        raw.put("padding", k.get("padding").asInt());
        raw.put("bias", k.get("bias").asBoolean());
        raw.put("affine", affine);
        raw.put("bn", bn);
        raw.put("momentum", k.get("momentum").isNull() ? -1.0 : k.get("momentum").asDouble());
        raw.put("track_running", k.get("track_running_stats").asBoolean());
        raw.put("act", "identity");
        int cin = k.get("in_channels").asInt();
        LayerBlock block = new ConvNormPlugin().create(raw,
                LayerContext.of("slot", cin, k.get("out_channels").asInt(), (int) x.size(2), (int) x.size(3), 1));
        assertEquals(bn ? 2 : 1, block.layers().size());
        LayerStack stack = new LayerStack(block.layers(), InputType.convolutional(x.size(2), x.size(3), cin), 1);
        Layer core = stack.layer(0);
        core.getParam(ConvNorm.WEIGHT).assign(GoldenCases.npy(dir, "weight.npy"));
        if (affine) {
            core.getParam(ConvNorm.AFFINE_WEIGHT).assign(GoldenCases.npy(dir, "r_weight.npy"));
            core.getParam(ConvNorm.AFFINE_BIAS).assign(GoldenCases.npy(dir, "r_bias.npy"));
        }
        INDArray runV = core.getParam(ConvNorm.RUNNING_V);
        INDArray runVBefore = GoldenCases.npy(dir, "running_V.npy");
        assertEquals(runVBefore.length(), runV.length(), "running_V shape " + java.util.Arrays.toString(runV.shape()));
        runV.assign(runVBefore.reshape(runV.shape()));
        if (c.has("convnorm_counter_before")) core.getParam(ConvNorm.COUNTER).assign(c.get("convnorm_counter_before").asLong());
        if (bn) {
            Layer b = stack.layer(1);
            if (affine) {
                b.getParam(BatchNorm.GAMMA).assign(GoldenCases.npy(dir, "bn_weight.npy"));
                b.getParam(BatchNorm.BETA).assign(GoldenCases.npy(dir, "bn_bias.npy"));
            } else {
                assertTrue(!b.paramTable().containsKey(BatchNorm.GAMMA), "a non-affine batch norm has no gamma");
            }
            b.getParam(BatchNorm.MEAN).assign(GoldenCases.npy(dir, "bn_running_mean.npy"));
            b.getParam(BatchNorm.VAR).assign(GoldenCases.npy(dir, "bn_running_var.npy"));
        }

        INDArray out = stack.forward(x, train);
        close("output", GoldenCases.npy(dir, "output.npy"), out);

        ConvNormLayer layer = (ConvNormLayer) core;
        INDArray v = GoldenCases.npy(dir, "V.npy");
        close("V", v, layer.lastNormaliser());
        INDArray convFull = layer.fullConvolution(x);
        close("conv_full", GoldenCases.npy(dir, "conv_full.npy"), convFull);
        int kernel = k.get("kernel_size").asInt();
        if (kernel > 1) {
            close("precond_full", GoldenCases.npy(dir, "precond_full.npy"), layer.filterOnGrid(convFull, v));
            close("v_kernel", GoldenCases.npy(dir, "v_kernel.npy"), spatialKernel(v, (int) convFull.size(2), (int) convFull.size(3)));
        }
        if (affine) {
            close("precond", GoldenCases.npy(dir, "precond.npy"), layer.lastNormalised());
            close("affine_out", GoldenCases.npy(dir, "affine_out.npy"), core.activate(train, org.deeplearning4j.nn.workspace.LayerWorkspaceMgr.noWorkspaces()));
            // that extra forward moved the running estimate in training: redo the case's single forward
            if (train) {
                runV.assign(runVBefore.reshape(runV.shape()));
                core.getParam(ConvNorm.COUNTER).assign(c.get("convnorm_counter_before").asLong());
                if (bn) {
                    stack.layer(1).getParam(BatchNorm.MEAN).assign(GoldenCases.npy(dir, "bn_running_mean.npy"));
                    stack.layer(1).getParam(BatchNorm.VAR).assign(GoldenCases.npy(dir, "bn_running_var.npy"));
                }
                out = stack.forward(x, true);
            }
        }

        Map<String, INDArray> grads = new HashMap<>();
        INDArray dx = stack.backward(GoldenCases.npy(dir, "grad_output.npy"), grads);
        close("grad_input", GoldenCases.npy(dir, "grad_input.npy"), dx);
        close("grad_weight", GoldenCases.npy(dir, "grad_weight.npy"), grads.get("0_" + ConvNorm.WEIGHT));
        if (affine) {
            close("grad_r_weight", GoldenCases.npy(dir, "grad_r_weight.npy"), grads.get("0_" + ConvNorm.AFFINE_WEIGHT));
            close("grad_r_bias", GoldenCases.npy(dir, "grad_r_bias.npy"), grads.get("0_" + ConvNorm.AFFINE_BIAS));
            if (bn) {
                close("grad_bn_weight", GoldenCases.npy(dir, "grad_bn_weight.npy"), grads.get("1_" + BatchNorm.GAMMA));
                close("grad_bn_bias", GoldenCases.npy(dir, "grad_bn_bias.npy"), grads.get("1_" + BatchNorm.BETA));
            }
        }
        if (train) {
            close("running_V after", GoldenCases.npy(dir, "running_V_after.npy"), runV);
            assertEquals(c.get("convnorm_counter_after").asLong(), core.getParam(ConvNorm.COUNTER).getLong(0), "counter after");
            if (bn) {
                close("bn running mean after", GoldenCases.npy(dir, "bn_running_mean_after.npy"), stack.layer(1).getParam(BatchNorm.MEAN));
                close("bn running var after", GoldenCases.npy(dir, "bn_running_var_after.npy"), stack.layer(1).getParam(BatchNorm.VAR));
            }
        } else {
            close("running_V unchanged in evaluation", runVBefore, runV);
        }
    }

    /** v = inverse real 2-D DFT of V on the grid: the filter applied to a unit impulse at the origin. */
    static INDArray spatialKernel(INDArray v, int gridH, int gridW) {
        long o = v.size(0);
        SpectralFilter f = new SpectralFilter(gridH, gridW, DataType.DOUBLE);
        INDArray delta = Nd4j.zeros(DataType.DOUBLE, o, gridH, gridW);
        for (long c = 0; c < o; c++) delta.putScalar(new long[] {c, 0, 0}, 1.0);
        int[] rows = SpectralFilter.range(gridH);
        int[] cols = SpectralFilter.range(gridW);
        return f.apply(f.plan(rows, cols, rows, cols), delta, v, 1);
    }
}
