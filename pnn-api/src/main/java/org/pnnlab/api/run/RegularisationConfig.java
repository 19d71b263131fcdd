package org.pnnlab.api.run;

import static org.pnnlab.api.run.Checks.require;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Extra terms of the training loss.
 *
 * @param ocnn weight λ of the OCNN orthogonality regulariser (spec CONVNORM 3.7; {@code --ocnn}), ≥ 0; 0: off
 */
public record RegularisationConfig(double ocnn) {
    /** No extra term. */
    public static final RegularisationConfig NONE = new RegularisationConfig(0);

    public RegularisationConfig {
        require(ocnn >= 0 && Checks.finite(ocnn), "regularisation.ocnn (--ocnn)", ">= 0 (0: off)", ocnn);
    }

    /** Whether no extra term is asked for. */
    @JsonIgnore
    public boolean isOff() {
        return ocnn == 0;
    }

    public RegularisationConfig withOcnn(double lambda) {
        return new RegularisationConfig(lambda);
    }
}
