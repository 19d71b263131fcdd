package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Learning-rate schedules. */
public enum Schedule {
    @JsonProperty("constant") CONSTANT,
    /** multiplied by the decay factor at the start of each decay epoch */
    @JsonProperty("step") STEP,
    /** {@code (1 − t/T)^power} per iteration t of T */
    @JsonProperty("poly") POLY,
    /** cosine per iteration, to 1e-5 of the rate */
    @JsonProperty("cos") COS;

    public String id() {
        return Choices.id(this);
    }

    public static Schedule parse(String text) {
        return Choices.parse(Schedule.class, text, "--schedule");
    }
}
