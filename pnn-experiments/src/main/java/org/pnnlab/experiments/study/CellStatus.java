package org.pnnlab.experiments.study;

/** Where a study cell stands, read from its run record. */
public enum CellStatus {
    DONE("done"), RUNNING("running"), INTERRUPTED("interrupted"), FAILED("failed"), NOT_STARTED("not started");

    private final String label;

    CellStatus(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
