package org.pnnlab.layers.dl4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training-mode batch norm where a channel's mean is large against its spread (mean 1e4·(c+1), spread 1): the
 * output and the gradients must match a reference computed in centred form with compensated sums to 1e-12
 * relative. The uncentred form (Σg·x − μ·Σg) loses about 1e-11 here.
 */
class BatchNormCentredTest {
    private DataType before;

    @BeforeEach
    void doubles() {
        before = Nd4j.dataType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    @AfterEach
    void restore() {
        Nd4j.setDefaultDataTypes(before, before);
    }

    /** Neumaier-compensated sum. */
    private static double sum(double[] v) {
        double s = 0, comp = 0;
        for (double a : v) {
            double t = s + a;
            comp += Math.abs(s) >= Math.abs(a) ? (s - t) + a : (a - t) + s;
            s = t;
        }
        return s + comp;
    }

    private static double maxRel(double[] ref, double[] got) {
        double scale = 0, err = 0;
        for (int i = 0; i < ref.length; i++) {
            scale = Math.max(scale, Math.abs(ref[i]));
            err = Math.max(err, Math.abs(ref[i] - got[i]));
        }
        return err / scale;
    }

    @ParameterizedTest(name = "relu {0}")
    @ValueSource(booleans = {false, true})
    void largeMeanSmallSpread(boolean relu) {
        int n = 4, c = 3, h = 5, w = 5, m = n * h * w;
        double eps = 1e-5;
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.randn(DataType.DOUBLE, n, c, h, w);
        for (int ch = 0; ch < c; ch++) x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.point(ch)).addi(1e4 * (ch + 1));
        INDArray g = Nd4j.randn(DataType.DOUBLE, n, c, h, w);
        double[] gamma = {1.5, -0.7, 0.9};
        double[] beta = {0.2, -0.1, 0.05};

        var conf = new NeuralNetConfiguration.Builder().dataType(DataType.DOUBLE).list()
                .layer(BatchNorm.of("bn", c, relu ? new ActivationReLU() : new ActivationIdentity(), eps, 0.1))
                .setInputType(InputType.convolutional(h, w, c)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.initGradientsView();
        Layer l = net.getLayer(0);
        l.getParam(BatchNorm.GAMMA).assign(Nd4j.createFromArray(gamma));
        l.getParam(BatchNorm.BETA).assign(Nd4j.createFromArray(beta));
        var mgr = LayerWorkspaceMgr.noWorkspaces();
        l.setInput(x, mgr);
        INDArray y = l.activate(true, mgr).dup();
        Pair<Gradient, INDArray> bp = l.backpropGradient(g, mgr);
        double[] dGamma = bp.getFirst().getGradientFor(BatchNorm.GAMMA).dup().data().asDouble();
        double[] dBeta = bp.getFirst().getGradientFor(BatchNorm.BETA).dup().data().asDouble();
        double[] dx = bp.getSecond().dup().data().asDouble();

        // reference, per channel, in centred form with compensated sums: x̂ from x − μ
        double[] xs = x.dup().data().asDouble(), gs = g.dup().data().asDouble();
        double[] refY = new double[xs.length], refDx = new double[xs.length];
        double[] refDGamma = new double[c], refDBeta = new double[c];
        for (int ch = 0; ch < c; ch++) {
            int[] at = new int[m];
            double[] v = new double[m];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < h * w; j++) {
                    at[i * h * w + j] = (i * c + ch) * h * w + j;
                    v[i * h * w + j] = xs[at[i * h * w + j]];
                }
            }
            // the mean as an unevaluated sum mu + rest (one double near 1e4 would be off by up to half an ulp,
            // 1e-12); v − mu is exact (Sterbenz), so xc = (v − mu) − rest is accurate to the last bit
            double mu = sum(v) / m;
            double[] d = new double[m];
            for (int i = 0; i < m; i++) d[i] = v[i] - mu;
            double rest = sum(d) / m;
            double[] xc = new double[m], sq = new double[m], gp = new double[m], gx = new double[m];
            for (int i = 0; i < m; i++) {
                xc[i] = d[i] - rest;
                sq[i] = xc[i] * xc[i];
            }
            double s = 1 / Math.sqrt(sum(sq) / m + eps);
            for (int i = 0; i < m; i++) {
                double pre = gamma[ch] * s * xc[i] + beta[ch];
                refY[at[i]] = relu ? Math.max(pre, 0) : pre;
                gp[i] = relu && pre <= 0 ? 0 : gs[at[i]];
                gx[i] = gp[i] * xc[i] * s;
            }
            double sg = sum(gp), sgx = sum(gx);
            refDBeta[ch] = sg;
            refDGamma[ch] = sgx;
            for (int i = 0; i < m; i++) refDx[at[i]] = gamma[ch] * s * (gp[i] - sg / m - xc[i] * s * sgx / m);
        }
        double eY = maxRel(refY, y.data().asDouble()), eX = maxRel(refDx, dx);
        double eG = maxRel(refDGamma, dGamma), eB = maxRel(refDBeta, dBeta);
        String msg = String.format("relative errors: y %.1e, dx %.1e, dgamma %.1e, dbeta %.1e", eY, eX, eG, eB);
        assertTrue(eY < 1e-12 && eX < 1e-12 && eG < 1e-12 && eB < 1e-12, msg);
        System.out.println("BatchNormCentredTest (relu " + relu + "): " + msg);
    }
}
