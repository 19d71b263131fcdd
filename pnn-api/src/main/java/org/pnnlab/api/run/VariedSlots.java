package org.pnnlab.api.run;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which slots of a model the layer under test ({@code --layer}) fills. */
public enum VariedSlots {
    /** every slot, the first included */
    @JsonProperty("all") ALL,
    /** every slot but the first, which keeps its own layer */
    @JsonProperty("all-but-first") ALL_BUT_FIRST
}
