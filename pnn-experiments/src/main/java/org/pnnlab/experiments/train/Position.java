package org.pnnlab.experiments.train;

/**
 * Where training stands: the next batch to train and what the current epoch has summed so far. Everything else a
 * step needs (data order, augmentation and attack draws, random streams) is derived from the seed and these
 * counters, which is what makes a resumed run equal to an uninterrupted one.
 *
 * @param epoch the epoch of the next batch, from 1 ({@code epochs + 1} when training is done)
 * @param batch the next batch's index in that epoch, from 0
 * @param iteration optimisation steps taken so far (batches; free training's replays are counted by the network)
 * @param lossSum the sum of the losses of the epoch's batches before {@code batch}
 */
public record Position(int epoch, int batch, long iteration, double lossSum) {
    /** The start of a run. */
    public static final Position START = new Position(1, 0, 0, 0);
}
