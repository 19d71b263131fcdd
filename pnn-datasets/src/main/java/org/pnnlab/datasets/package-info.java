/**
 * Datasets for PNN Lab: readers for the IDX format (MNIST, Fashion-MNIST) and the CIFAR-10 binary
 * format, a catalogue of named datasets with their checksums and download mirrors, and loading,
 * downloading and importing of their files.
 *
 * <p>Entry points: {@link org.pnnlab.datasets.Datasets} (static, with the standard catalogue),
 * {@link org.pnnlab.datasets.DatasetLoader} (the same with a catalogue and timeouts of your choice),
 * {@link org.pnnlab.datasets.DataDirs} (where the data folder is).
 */
@NullMarked
package org.pnnlab.datasets;

import org.jspecify.annotations.NullMarked;
