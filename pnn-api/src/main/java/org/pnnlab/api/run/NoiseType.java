package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How noisy training labels are drawn. */
public enum NoiseType {
    /** a uniform random class, possibly the true one */
    @JsonProperty("symmetric") SYMMETRIC,
    /** a fixed map of similar classes, per dataset */
    @JsonProperty("asymmetric") ASYMMETRIC;

    /** The lower-case name used on the command line and in files. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static NoiseType parse(String text) {
        return Choices.parse(NoiseType.class, text, "--noise-type");
    }
}
