package org.pnnlab.api;

/** What a stored parameter array is, for counting and for deciding what an optimiser may change. */
public enum ParamKind {
    /** Learned by the optimiser. */
    TRAINABLE,
    /** Stored with the model but never trained: noise masks, fixed binary filters. */
    FIXED,
    /** Running statistics updated during training but not by the optimiser (BatchNorm mean and variance). */
    STATISTIC
}
