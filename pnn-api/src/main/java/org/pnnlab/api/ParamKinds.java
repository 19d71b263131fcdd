package org.pnnlab.api;

/**
 * Implemented by DL4J layer configurations that store parameters which are not trained (fixed masks,
 * running statistics). Layers that do not implement it have only trainable parameters.
 */
public interface ParamKinds {
    ParamKind kindOf(String paramName);
}
