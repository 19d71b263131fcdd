package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The optimisers a run can use. */
public enum Optimizer {
    @JsonProperty("adam") ADAM,
    /** SGD with Nesterov momentum */
    @JsonProperty("sgd") SGD,
    /** classical heavy-ball momentum, PyTorch's {@code SGD(momentum=…)} */
    @JsonProperty("momentum") MOMENTUM;

    public String id() {
        return Choices.id(this);
    }

    public static Optimizer parse(String text) {
        return Choices.parse(Optimizer.class, text, "--optimizer");
    }
}
