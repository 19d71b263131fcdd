package org.pnnlab.api.run;

import static org.pnnlab.api.run.Checks.require;

/**
 * An L∞ threat model in [0, 1] pixel units: adversarial images lie within {@code eps} of the clean one in every
 * pixel and inside [0, 1]; iterative attacks take {@code steps} steps of {@code step}.
 */
public record ThreatSpec(double eps, double step, int steps) {
    public ThreatSpec {
        require(eps > 0 && eps <= 1, "the attack radius eps", "in (0, 1] ([0, 1] pixel units, e.g. 0.1 or 8/255 = 0.0314)",
                eps);
        require(step > 0 && step <= 1, "the attack step", "in (0, 1] pixel units", step);
        require(steps >= 1, "the number of attack steps", ">= 1", steps);
    }

    public ThreatSpec withEps(double e) {
        return new ThreatSpec(e, step, steps);
    }

    public ThreatSpec withStep(double s) {
        return new ThreatSpec(eps, s, steps);
    }

    public ThreatSpec withSteps(int n) {
        return new ThreatSpec(eps, step, n);
    }
}
