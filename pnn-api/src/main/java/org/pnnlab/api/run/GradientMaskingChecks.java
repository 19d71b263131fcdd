package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The evidence that a white-box accuracy is not inflated by gradient masking (Athalye et al. 2018; Carlini et al.
 * 2019), computed with every white-box evaluation on the function the model classifies with, on the first
 * {@code evaluated} test images (a subset, to bound the cost), and stored with the white-box entries of that
 * evaluation. When a check fails, the white-box accuracy is only an upper bound of the true robust accuracy.
 *
 * @param function the function the checks attacked ({@code model}, or a feedback network's mode: {@code average}…)
 * @param evaluated test images the checks used: the first this many of the test set
 * @param subset whether those were fewer than the whole test set
 * @param chance the accuracy of guessing, {@code 1 / classes}
 * @param tolerance how much an accuracy may rise where a check expects it not to (sampling noise of the subset)
 * @param whiteBoxAccuracy PGD at the evaluation's threat model on the subset, the figure the checks compare to
 * @param epsSweep PGD accuracy on the subset at growing radii, the evaluation's radius among them
 * @param zeroGradientShare share of the subset's clean images whose input gradient of the loss is exactly zero
 * @param nonFiniteGradientShare share whose input gradient has a NaN or infinite value
 * @param checks each check with its outcome
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GradientMaskingChecks(String function, long evaluated, boolean subset, double chance, double tolerance,
                                    double whiteBoxAccuracy, List<SweepPoint> epsSweep, double zeroGradientShare,
                                    double nonFiniteGradientShare, List<CheckResult> checks) {
    /** The words a report puts beside an accuracy that failed a check. */
    public static final String MARK = "possible gradient masking — this accuracy is an upper bound";

    public GradientMaskingChecks {
        epsSweep = List.copyOf(epsSweep);
        checks = List.copyOf(checks);
    }

    /** One radius of the sweep. */
    public record SweepPoint(double eps, double accuracy) {
    }

    /** The checks, each with the sentence that states what it expects. */
    public enum Check {
        EPS_SWEEP_FALLS("accuracy does not rise as eps grows"),
        LARGE_EPS_AT_CHANCE("at a large eps accuracy is at most chance"),
        STRONGER_ATTACK("more iterations and restarts do not raise accuracy"),
        BLACK_BOX("black-box (Square) accuracy is not below white-box accuracy"),
        TRANSFER("transfer accuracy is not below white-box accuracy"),
        GRADIENTS("input gradients are non-zero and finite");

        private final String expectation;

        Check(String expectation) {
            this.expectation = expectation;
        }

        public String expectation() {
            return expectation;
        }

        /** Lower case with dashes, e.g. {@code eps-sweep-falls}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public enum Outcome { PASSED, FAILED, SKIPPED }

    /**
     * @param measured the accuracy or share the check measured, or null (skipped)
     * @param detail one line: what was compared, or why the check was skipped
     */
    public record CheckResult(Check check, Outcome outcome, @Nullable Double measured, String detail) {
        public static CheckResult skipped(Check check, String why) {
            return new CheckResult(check, Outcome.SKIPPED, null, why);
        }

        /** Passed when {@code ok}, else failed. */
        public static CheckResult of(Check check, boolean ok, double measured, String detail) {
            return new CheckResult(check, ok ? Outcome.PASSED : Outcome.FAILED, measured, detail);
        }
    }

    /** The checks that failed, in order. */
    @JsonIgnore
    public List<CheckResult> failed() {
        return checks.stream().filter(c -> c.outcome() == Outcome.FAILED).toList();
    }

    /** True when no check failed (skipped ones do not count). */
    @JsonIgnore
    public boolean passed() {
        return failed().isEmpty();
    }

    /** The result of one check, or null if it was not run. */
    public @Nullable CheckResult result(Check check) {
        for (CheckResult c : checks) if (c.check() == check) return c;
        return null;
    }
}
