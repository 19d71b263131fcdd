package org.pnnlab.layers.dl4j;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pnnlab.api.ParamKind;

/**
 * A convolution with spectral normalisation, with the semantics of PyTorch's {@code spectral_norm} (dim 0): the
 * weight W is viewed as the matrix W₂ {@code [out, in·k·k]} and the convolution applies W / σ, with
 * σ = u·(W₂ v) estimated by power iteration.
 * <ul>
 *   <li>Training forward: {@code powerIterations} steps of v ← n(W₂ᵀu), u ← n(W₂v), with
 *       n(a) = a / max(‖a‖, 1e-12), written into the stored u and v; then σ from the new u, v.</li>
 *   <li>Evaluation forward: σ from the stored u and v, no iteration.</li>
 *   <li>Backward: u and v are constants, σ is differentiated:
 *       dL/dW = G/σ − (Σ G⊙W)/σ² · u vᵀ, with G the gradient of the applied kernel.</li>
 * </ul>
 *
 * <p>u [out] and v [in·k·k] are layer state stored as parameters of kind {@link ParamKind#STATISTIC}. DL4J saves
 * only parameters (the flat params array) with a model, and the configuration JSON declares every parameter's
 * shape, so as parameters u and v are written and restored by ModelSerializer and survive the JSON round trip
 * with the layer's layout; a field of the runtime would be lost, and a configuration field would put numbers in
 * the configuration. They are not trained: their gradient is always zero, their updater is {@code NoOp} (which
 * subtracts that zero) and they get no weight decay, so only the training forward changes them, in place, as
 * PyTorch's buffers. Initialisation: u, v = n(N(0, 1) draws).
 */
public class SpectralNormConv extends ReparamConv {
    public static final String U = "u";
    public static final String V = "v";
    /** The floor of a norm the power iteration divides by (PyTorch's default). */
    public static final double EPS = 1e-12;

    private int powerIterations = 1;

    /** For JSON deserialisation. */
    public SpectralNormConv() {
    }

    /** @param powerIterations power-iteration steps per training forward (the plugin checks it is at least 1) */
    public static SpectralNormConv of(String name, long nIn, long nOut, int kernel, int stride, int padding,
                                      boolean bias, int powerIterations) {
        SpectralNormConv c = new SpectralNormConv();
        c.configure(name, nIn, nOut, kernel, stride, padding, bias);
        c.powerIterations = powerIterations;
        return c;
    }

    public int getPowerIterations() { return powerIterations; }
    public void setPowerIterations(int powerIterations) { this.powerIterations = powerIterations; }

    @Override
    protected Map<String, long[]> extraShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put(U, new long[]{getNOut()});
        m.put(V, new long[]{rowLength()});
        return m;
    }

    @Override
    protected void initializeExtra(Map<String, INDArray> params) {
        for (String k : new String[]{U, V}) {
            INDArray a = params.get(k);
            a.assign(normalized(Nd4j.randn(a.dataType(), a.shape())));
        }
    }

    /** a / max(‖a‖₂, eps), a new array. */
    static INDArray normalized(INDArray a) {
        return a.div(Math.max(a.norm2Number().doubleValue(), EPS));
    }

    @Override
    public ParamKind kindOf(String paramName) {
        return U.equals(paramName) || V.equals(paramName) ? ParamKind.STATISTIC : ParamKind.TRAINABLE;
    }

    @Override
    protected Runtime runtime(NeuralNetConfiguration conf, DataType dataType) {
        return new Runtime(conf, dataType);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SpectralNormConv c && super.equals(o) && powerIterations == c.powerIterations;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), powerIterations);
    }

    /** Runtime of {@link SpectralNormConv}. */
    public static class Runtime extends ReparamConvLayer<SpectralNormConv> {
        private double sigma;
        private INDArray uUsed; // u and v of the last forward (constants of its gradient)
        private INDArray vUsed;

        public Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private INDArray weightMatrix() {
            SpectralNormConv c = layerConf();
            return getParam(WEIGHT).reshape('c', c.getNOut(), c.rowLength());
        }

        /** σ = u·(W₂ v). */
        private static double sigma(INDArray w2, INDArray u, INDArray v) {
            return u.reshape(1, u.length()).mmul(w2.mmul(v.reshape(v.length(), 1))).getDouble(0);
        }

        @Override
        protected INDArray forwardKernel(boolean training) {
            INDArray w2 = weightMatrix();
            INDArray u = getParam(U);
            INDArray v = getParam(V);
            if (training) {
                for (int i = 0; i < layerConf().getPowerIterations(); i++) {
                    v.assign(normalized(w2.transpose().mmul(u.reshape(u.length(), 1)).reshape(v.length())));
                    u.assign(normalized(w2.mmul(v.reshape(v.length(), 1)).reshape(u.length())));
                }
            }
            uUsed = u.dup();
            vUsed = v.dup();
            sigma = sigma(w2, uUsed, vUsed);
            return getParam(WEIGHT).div(sigma);
        }

        @Override
        protected void kernelBackward(INDArray g) {
            INDArray w = getParam(WEIGHT);
            double gw = g.mul(w).sumNumber().doubleValue();
            INDArray outer = uUsed.reshape(uUsed.length(), 1).mmul(vUsed.reshape(1, vUsed.length())).reshape('c', w.shape());
            gradientViews.get(WEIGHT).assign(g.div(sigma).subi(outer.muli(gw / (sigma * sigma))));
            gradientViews.get(U).assign(0);
            gradientViews.get(V).assign(0);
        }

        /** W / σ with the stored u and v: the kernel of the evaluation-mode convolution. */
        @Override
        public INDArray inferenceKernel() {
            return getParam(WEIGHT).div(sigma(weightMatrix(), getParam(U), getParam(V)));
        }

        /** σ of the last forward pass. */
        public double lastSigma() {
            return sigma;
        }
    }
}
