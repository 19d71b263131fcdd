package org.pnnlab.datasets;

/** How a dataset's files are laid out. */
public enum DatasetFormat {
    /**
     * IDX (MNIST, Fashion-MNIST): the train and test parts are each an images file and a labels file,
     * in that order.
     */
    IDX,
    /** CIFAR-10 binary: the train and test parts are each one or more batch files of 3073-byte records. */
    CIFAR10_BINARY
}
