package org.pnnlab.layers.dl4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A convolution with ONI (orthogonalisation by Newton iteration, one norm group) as in the ConvNorm comparison:
 * the weight Z viewed as {@code [out, d]} (d = in·k·k) is centred row by row, Zc = Z − mean over each row, then
 * <ul>
 *   <li>row variant (out ≤ d): S = Zc Zcᵀ + 1e-5·I, S ← S/‖S‖_F, B₀ = I, T steps B ← 1.5·B − 0.5·B³S,
 *       W = B Zc / √‖S‖_F (the norm of S before the division);</li>
 *   <li>column variant (out &gt; d): S = Zcᵀ Zc + 1e-5·I, <em>not</em> divided by its norm before the steps
 *       (the reference's quirk), the same steps, W = Zc B / √‖S‖_F;</li>
 * </ul>
 * and the applied kernel is W scaled per output channel by a learnable {@code scale [out, 1, 1, 1]} (initialised to
 * 1.414). The same kernel is applied in training and evaluation; there is no state.
 *
 * <p>Backward through the iterations by hand (reverse mode over the recorded B_t): with X = dL/dB_{t+1},
 * P = B_t³ and B_t² kept, dL/dB_t = 1.5·X + dP·(B_t²)ᵀ + B_tᵀ·dP·B_tᵀ + (B_t²)ᵀ·dP with dP = −0.5·X·Sᵀ, and
 * dL/dS gains −0.5·Pᵀ·X; then through the division by ‖S‖_F, S = Zc Zcᵀ (or Zcᵀ Zc) and the centring.
 */
public class OniConv extends ReparamConv {
    public static final String SCALE = "scale";
    public static final double INITIAL_SCALE = 1.414;
    /** The ridge added to S. */
    public static final double EPS = 1e-5;

    private int iterations = 3;

    /** For JSON deserialisation. */
    public OniConv() {
    }

    /** @param iterations the Newton steps T (the plugin checks it is at least 1) */
    public static OniConv of(String name, long nIn, long nOut, int kernel, int stride, int padding, boolean bias,
                             int iterations) {
        OniConv c = new OniConv();
        c.configure(name, nIn, nOut, kernel, stride, padding, bias);
        c.iterations = iterations;
        return c;
    }

    public int getIterations() { return iterations; }
    public void setIterations(int iterations) { this.iterations = iterations; }

    /** Whether the column variant applies: more output channels than the row length in·k·k. */
    public boolean columnVariant() {
        return getNOut() > rowLength();
    }

    @Override
    protected Map<String, long[]> extraShapes() {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put(SCALE, new long[]{getNOut(), 1, 1, 1});
        return m;
    }

    @Override
    protected void initializeExtra(Map<String, INDArray> params) {
        params.get(SCALE).assign(INITIAL_SCALE);
    }

    @Override
    protected Runtime runtime(NeuralNetConfiguration conf, DataType dataType) {
        return new Runtime(conf, dataType);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OniConv c && super.equals(o) && iterations == c.iterations;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), iterations);
    }

    /** The forward pass of the orthogonalisation, with what its backward pass needs. */
    private record Orthogonalised(INDArray centred, INDArray gram, double norm, INDArray iterated,
                                  List<INDArray> steps, INDArray result, INDArray weight) {
        // centred: Zc; gram: S before any division; norm: its Frobenius norm; iterated: the S of the steps;
        // steps: B_0 .. B_{T-1}; result: B_T; weight: the orthogonalised W before the scale
    }

    /** Runtime of {@link OniConv}. */
    public static class Runtime extends ReparamConvLayer<OniConv> {
        private Orthogonalised last;

        public Runtime(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        private Orthogonalised orthogonalise() {
            OniConv c = layerConf();
            boolean column = c.columnVariant();
            INDArray z = getParam(WEIGHT).reshape('c', c.getNOut(), c.rowLength());
            INDArray zc = z.subColumnVector(z.mean(1).reshape(z.size(0), 1));
            INDArray s0 = column ? zc.transpose().mmul(zc) : zc.mmul(zc.transpose());
            long m = s0.size(0);
            s0.addi(Nd4j.eye(m).castTo(s0.dataType()).muli(EPS));
            double norm = s0.norm2Number().doubleValue();
            INDArray s = column ? s0 : s0.div(norm);
            INDArray b = Nd4j.eye(m).castTo(s0.dataType());
            List<INDArray> steps = new ArrayList<>();
            for (int t = 0; t < c.iterations; t++) {
                steps.add(b);
                INDArray b3 = b.mmul(b).mmul(b);
                b = b.mul(1.5).subi(b3.mmul(s).muli(0.5));
            }
            INDArray w = (column ? zc.mmul(b) : b.mmul(zc)).divi(Math.sqrt(norm));
            return new Orthogonalised(zc, s0, norm, s, steps, b, w);
        }

        private INDArray scaled(Orthogonalised o) {
            OniConv c = layerConf();
            return o.weight().mulColumnVector(getParam(SCALE).reshape(c.getNOut(), 1)).reshape('c', getParam(WEIGHT).shape());
        }

        @Override
        protected INDArray forwardKernel(boolean training) {
            last = orthogonalise();
            return scaled(last);
        }

        @Override
        protected void kernelBackward(INDArray kernelGradient) {
            OniConv c = layerConf();
            boolean column = c.columnVariant();
            Orthogonalised o = last;
            INDArray g = kernelGradient.reshape('c', c.getNOut(), c.rowLength());
            INDArray scale = getParam(SCALE).reshape(c.getNOut(), 1);
            gradientViews.get(SCALE).assign(g.mul(o.weight()).sum(1).reshape(c.getNOut(), 1, 1, 1));
            INDArray dw = g.mulColumnVector(scale);
            double root = Math.sqrt(o.norm());
            double dNorm = -0.5 / o.norm() * dw.mul(o.weight()).sumNumber().doubleValue();
            INDArray zc = o.centred();
            INDArray last = o.result();
            INDArray dB = (column ? zc.transpose().mmul(dw) : dw.mmul(zc.transpose())).divi(root);
            INDArray dZc = (column ? dw.mmul(last.transpose()) : last.transpose().mmul(dw)).divi(root);
            INDArray s = o.iterated();
            INDArray dS = Nd4j.zeros(s.dataType(), s.shape());
            for (int t = o.steps().size() - 1; t >= 0; t--) {
                INDArray bt = o.steps().get(t);
                INDArray b2 = bt.mmul(bt);
                INDArray p = b2.mmul(bt);
                INDArray dP = dB.mmul(s.transpose()).muli(-0.5);
                dS.addi(p.transpose().mmul(dB).muli(-0.5));
                dB = dB.mul(1.5).addi(dP.mmul(b2.transpose())).addi(bt.transpose().mmul(dP).mmul(bt.transpose()))
                        .addi(b2.transpose().mmul(dP));
            }
            INDArray dS0;
            if (column) {
                dS0 = dS;
            } else {
                dS0 = dS.div(o.norm());
                dNorm -= dS.mul(o.gram()).sumNumber().doubleValue() / (o.norm() * o.norm());
            }
            dS0.addi(o.gram().mul(dNorm / o.norm()));
            INDArray sym = dS0.add(dS0.transpose());
            dZc.addi(column ? zc.mmul(sym) : sym.mmul(zc));
            INDArray dz = dZc.subColumnVector(dZc.mean(1).reshape(dZc.size(0), 1));
            gradientViews.get(WEIGHT).assign(dz.reshape('c', getParam(WEIGHT).shape()));
        }

        /** ONI(W)·scale: the kernel of every forward pass (training and evaluation alike). */
        @Override
        public INDArray inferenceKernel() {
            return scaled(orthogonalise());
        }
    }
}
