package org.pnnlab.api.run;

import static org.pnnlab.api.run.Checks.require;

/**
 * A threat model in [0, 1] pixel units: adversarial images lie within {@code eps} of the clean one in the given
 * norm (L∞: every pixel; L2: the whole image) and inside [0, 1]; iterative attacks with a fixed step take
 * {@code steps} steps of {@code step} (PGD; APGD and Square choose their own steps).
 *
 * @param norm the norm of the budget; records written before it existed were all L∞ (a missing norm reads as L∞)
 */
public record ThreatSpec(double eps, double step, int steps, ThreatNorm norm) {
    /** The norm of a threat model that names none (every record written before the norm existed). */
    public static final ThreatNorm DEFAULT_NORM = ThreatNorm.LINF;

    public ThreatSpec {
        require(eps > 0 && eps <= 1, "the attack radius eps", "in (0, 1] ([0, 1] pixel units, e.g. 0.1 or 8/255 = 0.0314)",
                eps);
        require(step > 0 && step <= 1, "the attack step", "in (0, 1] pixel units", step);
        require(steps >= 1, "the number of attack steps", ">= 1", steps);
        norm = norm == null ? DEFAULT_NORM : norm;
    }

    /** An L∞ threat model. */
    public ThreatSpec(double eps, double step, int steps) {
        this(eps, step, steps, DEFAULT_NORM);
    }

    public ThreatSpec withEps(double e) {
        return new ThreatSpec(e, step, steps, norm);
    }

    public ThreatSpec withStep(double s) {
        return new ThreatSpec(eps, s, steps, norm);
    }

    public ThreatSpec withSteps(int n) {
        return new ThreatSpec(eps, step, n, norm);
    }

    public ThreatSpec withNorm(ThreatNorm n) {
        return new ThreatSpec(eps, step, steps, n);
    }
}
