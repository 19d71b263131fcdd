package org.pnnlab.experiments.attack;

import java.util.LinkedHashMap;
import java.util.Map;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.data.Normalization;

/**
 * An L∞ threat model in the units of the model's input: every adversarial input lies within {@code eps} of the
 * clean one in every coordinate and inside {@code [clipMin, clipMax]}.
 *
 * <p>For models fed normalised data {@code x = (p − mean)/std} (pixels {@code p ∈ [0, 1]}), a budget stated in
 * pixels becomes {@code eps/std} and the valid range {@code [(0 − mean)/std, (1 − mean)/std]}; see
 * {@link #fromPixels}. When the channels have different statistics no single scalar budget exists: attack in
 * pixel space through {@link PixelSpaceTarget} instead, with a threat model in pixel units.
 *
 * @param eps the L∞ radius, ≥ 0
 * @param step the step size of iterative attacks (PGD: per iteration; FGSM uses {@code eps}), ≥ 0
 * @param steps the number of iterations (PGD, SPSA), ≥ 0 here; attacks that iterate require ≥ 1
 * @param clipMin the smallest valid input value
 * @param clipMax the largest valid input value, {@code > clipMin}; either bound may be infinite
 * @param randomStart whether PGD starts from a uniform random point of the eps-box
 */
public record ThreatModel(double eps, double step, int steps, double clipMin, double clipMax, boolean randomStart) {

    public ThreatModel {
        if (!(eps >= 0) || !Double.isFinite(eps)) {
            throw new PnnException("the attack radius eps must be a finite number >= 0, got " + eps);
        }
        if (!(step >= 0) || !Double.isFinite(step)) {
            throw new PnnException("the attack step size must be a finite number >= 0, got " + step);
        }
        if (steps < 0) throw new PnnException("the number of attack steps must be >= 0, got " + steps);
        if (Double.isNaN(clipMin) || Double.isNaN(clipMax) || !(clipMin < clipMax)) {
            throw new PnnException("the valid input range needs clipMin < clipMax, got [" + clipMin + ", " + clipMax + "]");
        }
    }

    /** PGD with a random start: {@code steps} iterations of size {@code step} within radius {@code eps}. */
    public static ThreatModel pgd(double eps, double step, int steps, double clipMin, double clipMax) {
        ThreatModel t = new ThreatModel(eps, step, steps, clipMin, clipMax, true);
        t.requireSteps("PGD");
        return t;
    }

    /** A single step of size {@code eps}, no random start. */
    public static ThreatModel fgsm(double eps, double clipMin, double clipMax) {
        return new ThreatModel(eps, eps, 1, clipMin, clipMax, false);
    }

    /**
     * Converts a threat model stated in [0, 1] pixel units to the units of inputs normalised as
     * {@code (p − mean)/std}: eps and step are divided by {@code std}, and the range becomes
     * {@code [(0 − mean)/std, (1 − mean)/std]}.
     */
    public static ThreatModel fromPixels(double epsPixels, double stepPixels, int steps, boolean randomStart,
                                         double mean, double std) {
        if (!(std > 0) || !Double.isFinite(std) || !Double.isFinite(mean)) {
            throw new PnnException("normalisation needs a finite mean and a finite std > 0, got mean " + mean + ", std " + std);
        }
        return new ThreatModel(epsPixels / std, stepPixels / std, steps, (0 - mean) / std, (1 - mean) / std, randomStart);
    }

    /**
     * {@link #fromPixels(double, double, int, boolean, double, double)} with a dataset's normalisation, which must
     * use the same mean and std for every channel (otherwise attack through {@link PixelSpaceTarget}).
     */
    public static ThreatModel fromPixels(double epsPixels, double stepPixels, int steps, boolean randomStart,
                                         Normalization norm) {
        double[] mean = norm.mean();
        double[] std = norm.std();
        for (int c = 1; c < mean.length; c++) {
            if (mean[c] != mean[0] || std[c] != std[0]) {
                throw new PnnException("the channels are normalised differently (" + norm + "), so a pixel-space "
                        + "budget has no single value in the model's units; wrap the model in a PixelSpaceTarget and "
                        + "state the threat model in pixel units instead");
            }
        }
        return fromPixels(epsPixels, stepPixels, steps, randomStart, mean[0], std[0]);
    }

    /** The same threat model with another number of steps. */
    public ThreatModel withSteps(int newSteps) {
        return new ThreatModel(eps, step, newSteps, clipMin, clipMax, randomStart);
    }

    /** The same threat model with another step size. */
    public ThreatModel withStep(double newStep) {
        return new ThreatModel(eps, newStep, steps, clipMin, clipMax, randomStart);
    }

    /** The same threat model with or without PGD's random start. */
    public ThreatModel withRandomStart(boolean on) {
        return new ThreatModel(eps, step, steps, clipMin, clipMax, on);
    }

    /** Fails with a clear message unless {@code steps ≥ 1}; {@code attack} names the caller in the message. */
    public void requireSteps(String attack) {
        if (steps < 1) throw new PnnException(attack + " needs at least one step, got " + steps);
    }

    /** The fields by name, in declaration order, for a run record (infinite bounds as strings). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("eps", eps);
        m.put("step", step);
        m.put("steps", steps);
        m.put("clipMin", jsonNumber(clipMin));
        m.put("clipMax", jsonNumber(clipMax));
        m.put("randomStart", randomStart);
        return m;
    }

    private static Object jsonNumber(double v) {
        return Double.isFinite(v) ? (Object) v : (Object) Double.toString(v);
    }
}
