package org.pnnlab.experiments.attack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pnnlab.api.PnnException;

/**
 * SPSA in L∞ (advertorch's {@code LinfSPSAAttack}, spec CNNF.md §6.2): a gradient-free attack that only queries
 * logits. With f(x') = −CE(logits(x'), y) per image:
 * <ol>
 *   <li>dx := 0 (no random start); an Adam optimiser (PyTorch's update rule, with bias correction) minimises f
 *       over dx;</li>
 *   <li>{@code steps} times: estimate ∇f at {@code x + dx} by
 *       ĝ = (1/n) Σ_j [f(x'+δ·v_j) − f(x'−δ·v_j)] / (2δ·v_j) with n Rademacher vectors v_j ∈ {−1, +1}^{C×H×W},
 *       each shared by all images of the batch and drawn {@code chunk} at a time (every chunk is evaluated as one
 *       super-batch of chunk·N images, once at +δ and once at −δ); take one Adam step with ĝ; clamp dx to
 *       {@code [−eps, eps]} and so that {@code x + dx} is in range;</li>
 *   <li>result {@code x + dx} (already in range).</li>
 * </ol>
 * The threat model's eps, steps and clip range apply; its step and randomStart do not (Adam's learning rate
 * sets the step).
 */
public final class Spsa implements Attack {

    /**
     * SPSA's own settings.
     *
     * @param delta the finite-difference scale δ (in input units), > 0
     * @param learningRate Adam's learning rate, > 0
     * @param samples Rademacher vectors per gradient estimate, ≥ 1
     * @param chunk vectors evaluated together (advertorch's {@code max_batch_size}), ≥ 1
     * @param beta1 Adam's first-moment decay, in [0, 1)
     * @param beta2 Adam's second-moment decay, in [0, 1)
     * @param adamEps Adam's denominator term, ≥ 0
     */
    public record Settings(double delta, double learningRate, int samples, int chunk, double beta1, double beta2,
                           double adamEps) {
        public Settings {
            if (!(delta > 0) || !Double.isFinite(delta)) throw new PnnException("SPSA delta must be > 0, got " + delta);
            if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
                throw new PnnException("SPSA learning rate must be > 0, got " + learningRate);
            }
            if (samples < 1) throw new PnnException("SPSA needs at least one sample per estimate, got " + samples);
            if (chunk < 1) throw new PnnException("the SPSA chunk size must be >= 1, got " + chunk);
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new PnnException("Adam betas must lie in [0, 1), got " + beta1 + ", " + beta2);
            }
            if (!(adamEps >= 0) || !Double.isFinite(adamEps)) throw new PnnException("Adam eps must be >= 0, got " + adamEps);
        }

        /** The reference's values: δ 0.01, lr 0.01, 128 samples in chunks of 64, Adam (0.9, 0.999, 1e-8). */
        public static Settings defaults() {
            return new Settings(0.01, 0.01, 128, 64, 0.9, 0.999, 1e-8);
        }

        public Settings withSamples(int n) {
            return new Settings(delta, learningRate, n, chunk, beta1, beta2, adamEps);
        }

        public Settings withChunk(int c) {
            return new Settings(delta, learningRate, samples, c, beta1, beta2, adamEps);
        }

        public Settings withLearningRate(double lr) {
            return new Settings(delta, lr, samples, chunk, beta1, beta2, adamEps);
        }

        public Settings withDelta(double d) {
            return new Settings(d, learningRate, samples, chunk, beta1, beta2, adamEps);
        }

        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("delta", delta);
            m.put("learningRate", learningRate);
            m.put("samples", samples);
            m.put("chunk", chunk);
            m.put("beta1", beta1);
            m.put("beta2", beta2);
            m.put("adamEps", adamEps);
            return m;
        }
    }

    private final ThreatModel threat;
    private final Settings settings;

    /** @throws PnnException if the threat model has no steps */
    public Spsa(ThreatModel threat, Settings settings) {
        threat.requireSteps("SPSA");
        this.threat = threat;
        this.settings = settings;
    }

    /** The reference's settings ({@link Settings#defaults()}). */
    public Spsa(ThreatModel threat) {
        this(threat, Settings.defaults());
    }

    public ThreatModel threat() {
        return threat;
    }

    public Settings spsaSettings() {
        return settings;
    }

    @Override
    public String name() {
        return "spsa";
    }

    @Override
    public INDArray perturb(AttackTarget target, INDArray x, INDArray labelsOneHot, long seed) {
        Ops.checkBatch(x, labelsOneHot);
        Random rng = Ops.rng(seed);
        DataType t = x.dataType();
        double lo = threat.clipMin();
        double hi = threat.clipMax();
        double b1 = settings.beta1();
        double b2 = settings.beta2();
        INDArray dx = Nd4j.zeros(t, x.shape());
        INDArray m = Nd4j.zeros(t, x.shape());
        INDArray v = Nd4j.zeros(t, x.shape());
        for (int step = 1; step <= threat.steps(); step++) {
            INDArray g = estimateGradient(target, x.add(dx), labelsOneHot, rng);
            // Adam (PyTorch): m, v moving averages; p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)
            m.muli(b1).addi(g.mul(1 - b1));
            v.muli(b2).addi(g.mul(g).muli(1 - b2));
            double bc1 = 1 - Math.pow(b1, step);
            double bc2 = 1 - Math.pow(b2, step);
            INDArray denom = Transforms.sqrt(v, true).divi(Math.sqrt(bc2)).addi(settings.adamEps());
            dx.subi(m.div(denom).muli(settings.learningRate() / bc1));
            // dx += clamp(x + clamp(dx, ±eps)) - x - dx, as advertorch writes it
            INDArray xAdv = Ops.clampi(x.add(Ops.clampi(dx.dup(), -threat.eps(), threat.eps())), lo, hi);
            dx.addi(xAdv.subi(x).subi(dx));
        }
        return x.add(dx);
    }

    /** {@link #estimateGradient(AttackTarget, INDArray, INDArray, Random)} with a generator seeded by {@code seed}. */
    public INDArray estimateGradient(AttackTarget target, INDArray x, INDArray labelsOneHot, long seed) {
        return estimateGradient(target, x, labelsOneHot, Ops.rng(seed));
    }

    /**
     * One SPSA estimate of ∇f for f = −CE per image at {@code x} ({@code samples} Rademacher directions from
     * {@code rng}), an array of the shape of {@code x}. Row i estimates the gradient of image i's own f.
     */
    public INDArray estimateGradient(AttackTarget target, INDArray x, INDArray labelsOneHot, Random rng) {
        Ops.checkBatch(x, labelsOneHot);
        DataType t = x.dataType();
        long n = x.size(0);
        long d = x.length() / n;
        long[] sampleShape = java.util.Arrays.copyOfRange(x.shape(), 1, x.rank());
        double delta = settings.delta();
        INDArray xRow = x.dup('c').reshape('c', 1, n * d);
        INDArray acc = Nd4j.zeros(t, n, d);
        for (int c : chunks(settings.samples(), settings.chunk())) {
            INDArray dirs = Nd4j.createUninitialized(t, c, d);
            Nd4j.getExecutioner().exec(new BernoulliDistribution(dirs, 0.5), rng);
            dirs.muli(2).subi(1);
            // row j of the super-batch block: [x_1 + δv_j, ..., x_N + δv_j]; image (j, i) is row j*N + i
            INDArray shift = Nd4j.tile(dirs, 1, (int) n).muli(delta);
            INDArray xs = Nd4j.tile(xRow, c, 1);
            INDArray ys = Nd4j.tile(labelsOneHot, c, 1);
            INDArray fPlus = negCe(target, xs.add(shift), ys, c * n, sampleShape);
            INDArray fMinus = negCe(target, xs.subi(shift), ys, c * n, sampleShape);
            // df[j, i] / (2δ v_j) summed over j = (df/(2δ))^T · V, since v_j = ±1
            INDArray df = fPlus.subi(fMinus).reshape('c', c, n).divi(2 * delta);
            acc.addi(df.transpose().mmul(dirs));
        }
        return acc.divi(settings.samples()).reshape('c', x.shape());
    }

    private static INDArray negCe(AttackTarget target, INDArray flat, INDArray ys, long count, long[] sampleShape) {
        long[] shape = new long[sampleShape.length + 1];
        shape[0] = count;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        INDArray logits = target.logits(flat.reshape('c', shape));
        return CrossEntropy.perSample(logits, ys).negi().castTo(flat.dataType());
    }

    /** {@code total} split into parts of {@code chunk} and a last partial part. */
    static List<Integer> chunks(int total, int chunk) {
        List<Integer> out = new ArrayList<>();
        for (int left = total; left > 0; left -= chunk) out.add(Math.min(chunk, left));
        return out;
    }

    @Override
    public Map<String, Object> settings() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("attack", name());
        m.put("eps", threat.eps());
        m.put("steps", threat.steps());
        m.put("clipMin", threat.toMap().get("clipMin"));
        m.put("clipMax", threat.toMap().get("clipMax"));
        m.putAll(settings.toMap());
        return m;
    }
}
