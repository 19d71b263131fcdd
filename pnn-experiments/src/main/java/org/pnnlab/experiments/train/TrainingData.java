package org.pnnlab.experiments.train;

import org.jspecify.annotations.Nullable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pnnlab.api.PnnException;
import org.pnnlab.api.data.Normalization;
import org.pnnlab.api.run.OptimConfig;
import org.pnnlab.api.run.RunConfig;
import org.pnnlab.datasets.Conditions;
import org.pnnlab.datasets.DataDirs;
import org.pnnlab.datasets.Datasets;
import org.pnnlab.datasets.LabeledImages;
import org.pnnlab.datasets.Split;
import org.pnnlab.experiments.Evaluation;

/**
 * A run's data as its configuration defines it: the first {@code trainLimit} training images, the conditions
 * (validation split, subset, label noise, drawn from the seed), and the test set, all normalised as the run
 * normalises. Loading the same configuration twice gives the same arrays (that is what makes resume exact).
 *
 * @param trainX {@code [N, C·H·W]} normalised training images
 * @param trainY {@code [N, classes]} one-hot training labels (after label noise)
 * @param test the test set, for attacks in pixel units
 * @param testLabels {@code [M]} class indices
 */
public record TrainingData(INDArray trainX, INDArray trainY, LabeledImages test, INDArray testX, INDArray testLabels,
                           @Nullable INDArray validationX, @Nullable INDArray validationLabels, int[] shape, int classes,
                           Normalization normalization, Conditions.Applied applied) {

    /** Loads (or downloads, where allowed) the data of {@code config}. */
    public static TrainingData load(RunConfig config, Workspace workspace) {
        Split data = Datasets.load(config.data().dataset(), DataDirs.resolve(workspace.dataDir()), workspace.allowDownload());
        LabeledImages train = config.data().trainLimit() > 0 ? data.train().head(config.data().trainLimit()) : data.train();
        Conditions.Applied applied = Conditions.apply(train, config.data(), config.seed());
        Normalization norm = config.normalization() != null ? config.normalization() : data.normalization();
        LabeledImages tr = applied.train();
        if (norm.channels() != tr.channels()) {
            throw new PnnException("the run normalises " + norm.channels() + " channels but " + config.data().dataset()
                    + " has " + tr.channels());
        }
        LabeledImages val = applied.validation();
        return new TrainingData(tr.features(norm), tr.labelsOneHot(), data.test(), data.test().features(norm),
                Evaluation.labelVector(data.test().labels()), val == null ? null : val.features(norm),
                val == null ? null : Evaluation.labelVector(val.labels()),
                new int[] {tr.channels(), tr.height(), tr.width()}, tr.numClasses(), norm, applied);
    }

    public int trainCount() {
        return (int) trainX.size(0);
    }

    /** Optimiser steps of one epoch: whole batches, plus a partial one unless it is dropped. */
    public int batchesPerEpoch(OptimConfig optim) {
        long n = trainCount();
        boolean dropLast = optim.dropLast() && n >= optim.batchSize();
        return (int) (dropLast ? n / optim.batchSize() : (n + optim.batchSize() - 1) / optim.batchSize());
    }
}
