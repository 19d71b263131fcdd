package org.pnnlab.spark;

import java.io.Serializable;

/**
 * Called in the task after its cell was handled and before the task returns; the tests inject a task failure here
 * (as an executor lost at that moment would cause). Production runs use {@link #NONE}.
 */
@FunctionalInterface
interface CellHook extends Serializable {
    CellHook NONE = report -> { };

    void afterCell(CellReport report);
}
