package org.pnnlab.api;

/** The value type of a plugin parameter. */
public enum ParamType {
    INT, DOUBLE, BOOLEAN, CHOICE
}
