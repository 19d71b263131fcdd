package org.pnnlab.experiments.study;

/** What became of one cell that a runner tried to run. */
public enum CellResult {
    /** Run (or resumed) now, and completed. */
    RAN,
    /** Run (or resumed) now, and did not complete; its log says why. */
    FAILED,
    /** Found completed: nothing was started. */
    ALREADY_DONE,
    /** Claimed by another live process (another runner, or a task attempt elsewhere): nothing was started. */
    HELD_ELSEWHERE
}
